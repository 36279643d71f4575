"""What an offer may carry: the amount and currency its kind allows, and
whether the amount is above the limit an approver must clear (`OfferLimit`).
Read by the offer moves (`offers.offer_make`); writes nothing.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from ..bounds import amount_of, currency_problem
from ..exceptions import OfferRefused
from ..models import MONETARY_KINDS, MONEYLESS_KINDS, OfferKind, OfferLimit


def above_limit(kind: str, amount: Decimal | None, currency: str) -> bool:
    """Whether the amount exceeds the policy limit for its kind.

    A kind with no limit at all is never above it; a kind limited only in other
    currencies is, since the amounts cannot be compared (a GBP limit must not
    be dodged by offering dollars).
    """
    if amount is None:
        return False
    limits = {
        limit.currency: limit.max_amount
        for limit in OfferLimit.objects.filter(kind=kind)
    }
    if not limits:
        return False
    return currency not in limits or amount > limits[currency]


def offer_terms(kind: str, amount: Any, currency: Any) -> tuple[Decimal | None, str]:
    """The offer's amount and currency; raise OfferRefused naming what is wrong.

    Monetary kinds need both, money-less kinds (apology only, replacement,
    redo) take neither, the others may carry both; an amount is positive, to
    the cent, at most `bounds.MAX_AMOUNT`, in a currency `bounds` allows.
    """
    if kind not in OfferKind.values:
        raise OfferRefused(
            gettext("Unknown offer kind %(kind)r.") % {"kind": kind}, ["kind"]
        )
    currency = currency.strip().upper() if isinstance(currency, str) else currency
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        if kind in MONETARY_KINDS:
            raise OfferRefused(
                gettext("A refund or credit needs an amount."), ["amount"]
            )
        if currency not in (None, ""):
            raise OfferRefused(
                gettext("A currency goes with an amount: give both or neither."),
                ["currency"],
            )
        return None, ""
    label = OfferKind(kind).label
    if kind in MONEYLESS_KINDS:
        raise OfferRefused(
            gettext("An offer of “%(kind)s” carries no amount.") % {"kind": label},
            ["amount"],
        )
    value, problem = amount_of(amount)
    if problem:
        raise OfferRefused(problem, ["amount"])
    problem = currency_problem(currency)
    if problem:
        raise OfferRefused(
            gettext("An amount needs a currency. %(problem)s") % {"problem": problem},
            ["currency"],
        )
    # Stored with two decimals; the timeline shows the same figure.
    return value, currency
