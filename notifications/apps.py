"""The notifications app: staff notices and the outbox; it listens to the event stream."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from complaints.events import subscribe
        from complaints.models import EventKind
        from config.memo import memo_forget
        from teams.models import StaffProfile

        from . import customer_mail
        from .subscribers import KINDS, notify_people
        from .triage import triage_on_filed

        # Triage's recipients are kept per process (notifications.triage).
        for model in (StaffProfile, get_user_model()):
            post_save.connect(memo_forget, sender=model, dispatch_uid=f"memo-{model}")
            post_delete.connect(
                memo_forget, sender=model, dispatch_uid=f"memo-del-{model}"
            )
        m2m_changed.connect(memo_forget, sender=StaffProfile.teams.through)
        customer_mail.register()
        subscribe(EventKind.CASE_FILED, triage_on_filed)
        for kind in KINDS:
            subscribe(kind, notify_people)
