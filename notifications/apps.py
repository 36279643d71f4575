"""The notifications app: staff notices and the outbox; it listens to the event stream."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from complaints.events import subscribe

        from .subscribers import KINDS, notify_people

        for kind in KINDS:
            subscribe(kind, notify_people)
