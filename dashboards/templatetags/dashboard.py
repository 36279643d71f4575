"""Formatting of dashboard figures: percentages, hours, money, dashes for none."""

from typing import Any
from urllib.parse import urlencode

from django import template

from dashboards.metrics.table import fmt

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """0.6667 → '66.7%'; None → a dash."""
    return fmt(value, "pct")


@register.filter
def hours(value: Any) -> str:
    """Business hours with one decimal, e.g. '3.1 h'."""
    text = fmt(value, "hours")
    return text if text == "–" else f"{text} h"


@register.simple_tag
def with_query(query: dict, **extra: Any) -> str:
    """The current filter's query string, with `extra` replaced."""
    params = {**query, **{k: v for k, v in extra.items()}}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})
