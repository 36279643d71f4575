from django.apps import AppConfig


class ServiceRecoveryConfig(AppConfig):
    name = "service_recovery"
    verbose_name = "Service recovery"

    def ready(self) -> None:
        from complaints.events import subscribe
        from complaints.models import EventKind
        from scheduler.engine import due_batch_register

        from .due import promises_fire_batch
        from .duplicates import suspected_duplicate_flag
        from .problems import on_case_changed

        subscribe(EventKind.CASE_FILED, on_case_changed)
        subscribe(EventKind.CASE_FILED, suspected_duplicate_flag)
        due_batch_register(promises_fire_batch)
        subscribe(EventKind.CASE_EDITED, on_case_changed)
        subscribe(EventKind.CASE_EDITED, suspected_duplicate_flag)
