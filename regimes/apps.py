"""Regulated complaint handling (CONTRACT §15): regimes, statutory clocks, letters.

Sits above the complaints core, which never imports it: filing reaches it
through `complaints.hooks` (CASE_FILED), the due pass through
`scheduler.engine.due_batch_register`.
"""

from django.apps import AppConfig


class RegimesConfig(AppConfig):
    name = "regimes"
    verbose_name = "Regulated handling"

    def ready(self) -> None:
        from complaints import hooks
        from scheduler.engine import due_batch_register

        from .due import statutory_fire_batch

        hooks.register(hooks.Hook.CASE_FILED, _regime_on_filing)
        due_batch_register(statutory_fire_batch)


def _regime_on_filing(*, case, **_) -> None:
    from .services import case_regime_apply

    case_regime_apply(case)
