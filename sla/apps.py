from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "SLA and deadlines"

    def ready(self) -> None:
        # Cache invalidation only: a calendar edit must reach the next deadline.
        from . import hooks
        from .models import Calendar, Holiday, SlaPolicy, WorkingHours
        from .services import calendar_specs_forget

        for model in (Calendar, WorkingHours, Holiday, SlaPolicy):
            post_save.connect(calendar_specs_forget, sender=model)
            post_delete.connect(calendar_specs_forget, sender=model)
        hooks.register()
