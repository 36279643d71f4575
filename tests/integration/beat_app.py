"""The project's Celery app with the due pass every 2 seconds (integration tests only).

Production beat ticks every 60 s (settings); tests cannot wait that long.
"""

from config.celery import app

app.conf.beat_schedule = {
    "process-due-every-2s": {"task": "scheduler.tasks.process_due", "schedule": 2.0}
}
