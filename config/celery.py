"""The Celery app; its configuration lives in settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("redress")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Celery's Django fixup closes every database connection before and after each
# task unless `CELERY_DB_REUSE_MAX` is set, so each task connected anew (a
# server process forked, the session configured: a webhook delivery spent
# about as long connecting as working). The settings set it beyond reach, and
# a task's connections are kept or dropped as a web request's are: by
# CONN_MAX_AGE, and checked before their first use (CONN_HEALTH_CHECKS, so a
# worker survives a database restart). Eager tasks (tests, the demo) run
# inside their caller's transaction and are left alone.
def _connections_as_for_a_request(task=None, **kwargs) -> None:
    if not getattr(getattr(task, "request", None), "is_eager", False):
        close_old_connections()


task_prerun.connect(_connections_as_for_a_request, weak=False)
task_postrun.connect(_connections_as_for_a_request, weak=False)
