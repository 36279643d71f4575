"""Personal data kept by rooms above this one, handed down at start-up.

The mail room (an interface) keeps inbound emails; the records room may not
import it, so mail registers a `Section` in its `AppConfig.ready()`: how to
export its rows about a customer and how to redact them. The export and the
anonymiser call every registered section.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from customers.models import Customer


@dataclass(frozen=True)
class Section:
    """`export(customer, case_ids)` → JSON-ready rows; `redact(customer,
    case_ids)` → how many rows it redacted (`customer` is None when only the
    cases are anonymised, not the customer)."""

    name: str
    export: Callable[[Customer, list[int]], list[dict[str, Any]]]
    redact: Callable[[Customer | None, list[int]], int]


_sections: dict[str, Section] = {}


def section_register(section: Section) -> None:
    """Register (or replace) the section named `section.name`."""
    _sections[section.name] = section


def sections() -> list[Section]:
    return [_sections[name] for name in sorted(_sections)]
