"""The one money filter for every page: `{{ offer.amount|money:offer.currency }}`.

It formats by the site's locale and the currency (`complaints.money`), so
agents, managers and customers all read `£150.00`.
"""

from typing import Any

from django import template

from complaints.money import money_text

register = template.Library()


@register.filter
def money(amount: Any, currency: str | None = "") -> str:
    """`150` with `GBP` → `£150.00`; no amount → ""."""
    return money_text(amount, currency)
