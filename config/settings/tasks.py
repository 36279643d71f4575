"""Celery: the broker, task behaviour and the beat schedule."""

from celery.schedules import crontab

from .base import REDIS_URL, TIME_ZONE, VAR_DIR, env
from .email import INBOUND_IMAP_EVERY, INBOUND_IMAP_URL

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport.
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task, so an unacknowledged task is not redelivered early.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    for sub in ("in", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("REDRESS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Connections are kept across tasks as across requests (config.celery).
CELERY_DB_REUSE_MAX = 10**9
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that queues work must not hang on a broker that is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "process-due-every-minute": {
        "task": "scheduler.tasks.process_due",
        "schedule": 60.0,
    },
    # The dashboards' facts: the changed cases every minute, every case nightly.
    "refresh-dashboard-facts": {
        "task": "dashboards.tasks.refresh_facts",
        "schedule": 60.0,
    },
    "refresh-dashboard-nightly": {
        "task": "dashboards.tasks.refresh_dashboard",
        "schedule": crontab(hour=3, minute=0),
    },
    # Webhook retries that fell due (the first try and short retries are queued
    # directly; this picks up the rest and anything a lost task left behind).
    # Retention: anonymise the cases past their retention, nightly.
    "anonymise-expired-nightly": {
        "task": "records.tasks.anonymise_expired",
        "schedule": crontab(hour=2, minute=30),
    },
    "deliver-due-webhooks": {
        "task": "webhooks.tasks.deliver_due_webhooks",
        "schedule": 30.0,
    },
}
if INBOUND_IMAP_URL:
    CELERY_BEAT_SCHEDULE["poll-imap"] = {
        "task": "mail.tasks.poll_imap",
        "schedule": INBOUND_IMAP_EVERY,
    }
