"""How an amount of money reads: by the site's locale and the amount's currency.

One function (`money_text`) formats every amount a person reads — pages, the
customer's status page, dashboards, notifications — with Babel: `£150.00`,
`€1,327.51`, never `150.00 GBP` nor a raw Decimal.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import Locale, UnknownLocaleError
from babel.numbers import UnknownCurrencyError, format_currency
from django.conf import settings
from django.utils.translation import get_language, to_locale


def site_locale() -> str:
    """The Babel locale of the active language (LANGUAGE_CODE by default)."""
    code = to_locale(get_language() or settings.LANGUAGE_CODE)
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return "en_GB"
    return code


def money_text(amount: Any, currency: str | None, *, locale: str | None = None) -> str:
    """Format `amount` in `currency` for people; "" for no amount.

    An amount Babel cannot read, or a currency it does not know, falls back to
    the plain figure with the code rather than failing the page.
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    code = (currency or "").strip().upper()
    if not value.is_finite():
        return str(amount)
    if not code:
        return f"{value.quantize(Decimal('0.01')):,}"
    try:
        return format_currency(value, code, locale=locale or site_locale())
    except (UnknownCurrencyError, ValueError):
        return f"{value.quantize(Decimal('0.01')):,} {code}"
