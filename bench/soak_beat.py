"""The project's Celery app with the due pass every 5 seconds (bench/soak.py only)."""

from config.celery import app

app.conf.beat_schedule = {
    "process-due-every-5s": {"task": "scheduler.tasks.process_due", "schedule": 5.0}
}
