"""Formatting of dashboard figures: percentages, hours, money, dashes for none."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import template

register = template.Library()
NONE = "–"


@register.filter
def pct(value: Any) -> str:
    """0.6667 → '66.7%'; None → a dash."""
    if value is None or value == "":
        return NONE
    return f"{float(value) * 100:.1f}%".replace(".0%", "%")


@register.filter
def hours(value: Any) -> str:
    """Business hours with one decimal, e.g. '3.1 h'."""
    if value is None or value == "":
        return NONE
    return f"{float(value):.1f} h"


@register.filter
def cell(value: Any, kind: str) -> str:
    """Format one table cell by its column kind."""
    if value is None or value == "":
        return NONE
    if kind == "pct":
        return pct(value)
    if kind == "hours":
        return f"{float(value):.1f}"
    if kind == "num":
        return f"{float(value):.2f}"
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.simple_tag
def with_query(query: dict, **extra: Any) -> str:
    """The current filter's query string, with `extra` replaced."""
    params = {**query, **{k: v for k, v in extra.items()}}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    """mapping[key] in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
