"""Regulated complaint handling (CONTRACT §15): regimes, statutory clocks, letters.

Sits above the complaints core, which never imports it: filing reaches it
through `complaints.hooks`, the due pass through `sla.engine.due_batch_register`.
"""

from django.apps import AppConfig


class RegimesConfig(AppConfig):
    name = "regimes"
    verbose_name = "Regulated handling"

    def ready(self) -> None:
        from complaints.hooks import on_case_filed
        from sla.engine import due_batch_register

        from .due import statutory_fire_batch
        from .services import case_regime_apply

        on_case_filed(case_regime_apply)
        due_batch_register(statutory_fire_batch)
