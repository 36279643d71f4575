"""Bounds on every value Redress stores (CONTRACT §11): dates, amounts, text, JSON.

A stored value is shown on shared pages (the inbox, the dashboards, the
customer's status page) and summed by shared jobs, so one value the database
or Python cannot hold takes them down for everyone. Every entry point applies
the same limits from here: the API serializers and the forms of the pages and
the portal use the `validate_*` validators (Django's ValidationError, which DRF
understands too); the services call the `*_check` functions, which raise
`InvalidInput`, so tasks, commands and the admin are held to them as well.

The limits:

- dates and times: an instant in the years 1900–2200 (UTC), whatever the offset;
- text: no NUL character, no lone surrogate; a model `CharField`'s own
  `max_length`, a `TextField` at most `TEXT_MAX` characters;
- JSON (`metadata`): nested at most `MAX_DEPTH` deep, at most `JSON_MAX_KEYS`
  keys in one object, keys of at most `JSON_MAX_KEY` characters, at most
  `JSON_MAX_BYTES` serialised, finite numbers, text as above;
- amounts: positive, at most `MAX_AMOUNT` (below 10^12; the column holds
  12 digits), at most two decimal places;
- currencies: ISO 4217 codes listed in the `CURRENCIES` setting or used by an
  offer limit.
"""

import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .exceptions import InvalidInput

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
EARLIEST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LATEST_YEAR, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
TEXT_MAX = 20_000
MAX_DEPTH = 32
JSON_MAX_BYTES = 16_384
JSON_MAX_KEYS = 200
JSON_MAX_KEY = 200
MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal("0.01")

# Active ISO 4217 codes (funds and precious metals left out).
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a table of codes reads best as one
)


# --- the rules: each returns what is wrong, or "" ----------------------------


def text_problem(value: Any, max_length: int | None = TEXT_MAX) -> str:
    """What makes `value` unstorable text ("" when nothing)."""
    if not isinstance(value, str):
        return ""
    if "\x00" in value:
        return "Remove the NUL character (\\0); it cannot be stored."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Remove the unpaired surrogate character; it cannot be stored."
    if max_length is not None and len(value) > max_length:
        return f"At most {max_length} characters (this has {len(value)})."
    return ""


def moment_problem(value: Any) -> str:
    """What puts a date or date-time outside years 1900–2200 ("" when nothing)."""
    if isinstance(value, datetime):
        try:
            instant = (
                value.astimezone(UTC)
                if value.tzinfo is not None
                else value.replace(tzinfo=UTC)
            )
        except OverflowError:
            instant = None
        inside = instant is not None and EARLIEST <= instant <= LATEST
    elif isinstance(value, date):
        inside = EARLIEST_YEAR <= value.year <= LATEST_YEAR
    else:
        return ""
    if inside:
        return ""
    return f"Give a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def nesting_depth(value: Any) -> int:
    """How deep lists and objects nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth  # deep enough to refuse; no need to walk the rest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def json_problem(value: Any) -> str:
    """What makes `value` unfit for a JSON column ("" when nothing)."""
    if nesting_depth(value) > MAX_DEPTH:
        return f"Nested more than {MAX_DEPTH} levels deep."
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) > JSON_MAX_KEYS:
                return f"At most {JSON_MAX_KEYS} keys in one object."
            for key, child in item.items():
                if not isinstance(key, str):
                    return "Keys must be text."
                problem = text_problem(key, JSON_MAX_KEY)
                if problem:
                    return f"A key: {problem}"
                stack.append(child)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            return "Numbers must be finite."
        elif isinstance(item, str):
            problem = text_problem(item, None)
            if problem:
                return problem
        elif item is not None and not isinstance(item, bool | int | float):
            return f"Not a JSON value: {type(item).__name__}."
    if len(json.dumps(value, ensure_ascii=False).encode()) > JSON_MAX_BYTES:
        return f"At most {JSON_MAX_BYTES // 1024} KiB as JSON."
    return ""


def amount_of(value: Any) -> tuple[Decimal | None, str]:
    """`value` as an amount to the cent, or (None, what is wrong with it)."""
    if isinstance(value, bool) or value in (None, ""):
        return None, "Give an amount."
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None, "The amount is not a number."
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        return None, f"The amount must be between {CENT} and {MAX_AMOUNT}."
    cents = amount.quantize(CENT)
    if amount != cents:
        return None, "The amount has more than two decimals."
    return cents, ""


def currencies_allowed() -> list[str]:
    """ISO 4217 codes offers may use: the `CURRENCIES` setting, then offer limits'."""
    from .models import OfferLimit

    configured = [c for c in settings.CURRENCIES if c in ISO_4217]
    limits = OfferLimit.objects.order_by("currency").values_list("currency", flat=True)
    extra = [c for c in dict.fromkeys(limits) if c in ISO_4217 and c not in configured]
    return configured + extra


def currency_problem(value: Any) -> str:
    """What makes `value` not an allowed ISO 4217 currency ("" when nothing)."""
    allowed = currencies_allowed()
    if isinstance(value, str) and value in allowed:
        return ""
    return f"Choose a currency from the list (ISO 4217: {', '.join(allowed[:5])})."


# --- for services: raise InvalidInput ------------------------------------------


def text_check(value: Any, *, field: str, max_length: int | None = TEXT_MAX) -> None:
    """Raise InvalidInput when `value` is text that cannot be stored."""
    problem = text_problem(value, max_length)
    if problem:
        raise InvalidInput(field, f"{field}: {problem}")


def fields_check(model: type[models.Model], values: dict[str, Any]) -> None:
    """Check each text value against its `model` field's limit; raise InvalidInput."""
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        text_check(value, field=name, max_length=limit or TEXT_MAX)


def moment_check(value: Any, *, field: str) -> None:
    """Raise InvalidInput when a date or date-time falls outside 1900–2200."""
    problem = moment_problem(value)
    if problem:
        raise InvalidInput(field, f"{field}: {problem}")


def json_check(value: Any, *, field: str) -> None:
    """Raise InvalidInput when `value` is unfit for a JSON column."""
    problem = json_problem(value)
    if problem:
        raise InvalidInput(field, f"{field}: {problem}")


# --- for forms and serializers: raise ValidationError -----------------------


def validate_text(value: Any) -> None:
    """Refuse NUL and lone surrogates (the length is the field's own)."""
    problem = text_problem(value, None)
    if problem:
        raise ValidationError(problem, code="unstorable")


def validate_moment(value: Any) -> None:
    problem = moment_problem(value)
    if problem:
        raise ValidationError(problem, code="out_of_range")


def validate_json(value: Any) -> None:
    problem = json_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_json")


def validate_amount(value: Any) -> None:
    _amount, problem = amount_of(value)
    if problem:
        raise ValidationError(problem, code="invalid_amount")


def validate_currency(value: Any) -> None:
    if value in (None, ""):
        return
    problem = currency_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_currency")


def bound_form_fields(fields: dict[str, Any]) -> None:
    """Hold a form's fields to the bounds: text limits and the date range."""
    from django import forms
    from django.core.validators import MaxLengthValidator

    for field in fields.values():
        if isinstance(field, forms.CharField):
            if field.max_length is None:
                field.max_length = TEXT_MAX
                field.validators.append(MaxLengthValidator(TEXT_MAX))
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX))
            field.validators.append(validate_text)
        elif isinstance(field, forms.DateTimeField | forms.DateField):
            field.validators.append(validate_moment)
