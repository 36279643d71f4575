from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from complaints.events import subscribe
        from complaints.models import EventKind

        from . import customer_mail
        from .triage import triage_on_filed

        customer_mail.register()
        subscribe(EventKind.CASE_FILED, triage_on_filed)
