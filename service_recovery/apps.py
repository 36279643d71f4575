from django.apps import AppConfig


class ServiceRecoveryConfig(AppConfig):
    name = "service_recovery"
    verbose_name = "Service recovery"

    def ready(self) -> None:
        from complaints.events import subscribe
        from complaints.models import EventKind

        from .duplicates import suspected_duplicate_flag
        from .problems import on_case_changed

        subscribe(EventKind.CASE_FILED, on_case_changed)
        subscribe(EventKind.CASE_FILED, suspected_duplicate_flag)
        subscribe(EventKind.CASE_EDITED, on_case_changed)
