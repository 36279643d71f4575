from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Follow-ups"

    def ready(self) -> None:
        # The lifecycle asks about and cancels follow-ups without importing them.
        from complaints import hooks
        from complaints.hooks import Hook

        from .services import followups_cancel_open, followups_scheduled

        hooks.register(Hook.FOLLOWUPS_SCHEDULED, followups_scheduled)
        hooks.register(Hook.FOLLOWUPS_CANCEL, followups_cancel_open)
