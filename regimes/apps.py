"""Regulated complaint handling (CONTRACT §15): regimes, statutory clocks, letters.

Sits above the complaints core, which never imports it: filing reaches it
through `complaints.hooks` (CASE_FILING, CASE_ROWS), the due pass through
`scheduler.engine.due_batch_register`.
"""

from django.apps import AppConfig


class RegimesConfig(AppConfig):
    name = "regimes"
    verbose_name = "Regulated handling"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from complaints import hooks
        from config.memo import memo_forget
        from scheduler.engine import due_batch_register

        from .due import statutory_fire_batch
        from .models import Regime, RegimeRoute

        hooks.register(hooks.Hook.CASE_FILING, _regime_choose)
        hooks.register(hooks.Hook.CASE_ROWS, _regime_clocks)
        due_batch_register(statutory_fire_batch)
        # Regime versions and routes are memoised per process (regimes.selectors).
        for model in (Regime, RegimeRoute):
            post_save.connect(memo_forget, sender=model, dispatch_uid=f"memo-{model}")
            post_delete.connect(
                memo_forget, sender=model, dispatch_uid=f"memo-del-{model}"
            )


def _regime_choose(*, case, **_) -> None:
    from .services import case_regime_choose

    case_regime_choose(case)


def _regime_clocks(*, case, **_) -> dict[str, list]:
    from .services import clocks_plan

    # Written with the new case (complaints.writes), as all the clocks it has,
    # ordered as the model orders them.
    return {
        "statutory_deadlines": sorted(clocks_plan(case=case), key=lambda r: r.due_at)
    }
