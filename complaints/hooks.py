"""Filing hooks: what a higher layer adds to a filing, inside its transaction.

The complaints core must not import the apps built on it. An app that must act
as part of filing itself (not after commit, like `complaints.events`
subscribers) registers here from its `AppConfig.ready()`; `case_file` runs the
hooks after the case and its SLA clocks exist and before the transaction
commits, so a hook that fails rolls the filing back. `regimes` uses it to set a
case's regime and start its statutory clocks (CONTRACT §15).
"""

from collections.abc import Callable
from typing import Any

FiledHook = Callable[[Any], None]

_filed: list[FiledHook] = []


def on_case_filed(hook: FiledHook) -> None:
    """Call `hook(case)` inside each filing's transaction (once per hook)."""
    if hook not in _filed:
        _filed.append(hook)


def case_filed_hooks_run(case: Any) -> None:
    """Run the registered filing hooks on a case just filed."""
    for hook in list(_filed):
        hook(case)
