"""The periodic complaints return of a regime (FCA DISP 1.10, ASIC IDR data).

For the period `start`–`end` (local dates of the regime, both included):
opened (received in the period), closed (the first final response or summary
resolution sent in the period; without one, the case's closing), open at the
start and at the end, the closed by outcome (FCA counts partly upheld as
upheld: `upheld_including_partly`), the closed by time band (the regime's
`return_bands`, counted from receipt like clocks: e.g. within 3 business days,
within 8 weeks, later) and redress paid per currency (offers fulfilled in the
period on the regime's cases), and `vulnerable`: the complaints received in
the period from customers recorded as vulnerable (one of the two figures
PS25/19 adds; the drivers as recorded now). Counting is done in Python over the regime's
cases touching the period: a half-year's complaints, read once.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Exists, Min, OuterRef, Q

from complaints.models import Case, Offer, OfferStatus
from customers.models import Customer
from customers.selectors import vulnerable_customer_q

from .clocks import RegimeCalendar, due_at
from .models import Letter, LetterKind, Outcome, Regime

CLOSING = (LetterKind.FINAL_RESPONSE, LetterKind.SUMMARY_RESOLUTION)


@dataclass
class RegimeReturn:
    regime: str
    start: date
    end: date
    opened: int = 0
    closed: int = 0
    open_at_start: int = 0
    open_at_end: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_band: dict[str, int] = field(default_factory=dict)
    redress_paid: dict[str, str] = field(default_factory=dict)
    vulnerable: int = 0

    def rows(self) -> list[tuple[str, str]]:
        """The return as (metric, value) rows, for CSV."""
        rows = [
            ("regime", self.regime),
            ("from", self.start.isoformat()),
            ("to", self.end.isoformat()),
            ("opened", str(self.opened)),
            ("closed", str(self.closed)),
            ("open_at_start", str(self.open_at_start)),
            ("open_at_end", str(self.open_at_end)),
            ("vulnerable", str(self.vulnerable)),
        ]
        rows += [(f"outcome_{k}", str(v)) for k, v in self.by_outcome.items()]
        rows += [(f"closed_{k}", str(v)) for k, v in self.by_band.items()]
        rows += [(f"redress_paid_{k}", v) for k, v in self.redress_paid.items()]
        return rows


def regime_return(*, regime: Regime, start: date, end: date) -> RegimeReturn:
    """Count the return of `regime` (the version given) for `start`–`end`."""
    cal = RegimeCalendar.of(regime)
    since = datetime.combine(start, time.min, tzinfo=cal.zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=cal.zone)
    cases = list(
        Case.objects.filter(regime=regime.code, received_at__lt=until)
        .annotate(
            letter_closed_at=Min(
                "letters__sent_at", filter=Q(letters__kind__in=CLOSING)
            ),
            vulnerable=Exists(
                Customer.objects.filter(
                    vulnerable_customer_q(), pk=OuterRef("customer_id")
                )
            ),
        )
        .only("pk", "received_at", "closed_at", "customer_id")
    )
    finals = _outcomes(cases)
    result = RegimeReturn(regime=regime.code, start=start, end=end)
    outcomes: Counter[str] = Counter({value: 0 for value in Outcome.values})
    bands: Counter[str] = Counter({b["code"]: 0 for b in regime.return_bands})
    bands["later"] = 0
    for case in cases:
        closed_at = case.letter_closed_at or case.closed_at
        if since <= case.received_at < until:
            result.opened += 1
            result.vulnerable += case.vulnerable
        if case.received_at < since and (closed_at is None or closed_at >= since):
            result.open_at_start += 1
        if closed_at is None or closed_at >= until:
            result.open_at_end += 1
            continue
        if closed_at < since:
            continue
        result.closed += 1
        outcomes[finals.get(case.pk, "no_outcome")] += 1
        bands[_band(regime, cal, case.received_at, closed_at)] += 1
    outcomes["upheld_including_partly"] = (
        outcomes[Outcome.UPHELD] + outcomes[Outcome.PARTLY_UPHELD]
    )
    result.by_outcome = dict(outcomes)
    result.by_band = dict(bands)
    result.redress_paid = _redress(regime.code, since, until)
    return result


def _outcomes(cases: list[Case]) -> dict[int, str]:
    """Each case's outcome: that of its last final response with one."""
    found: dict[int, str] = {}
    letters = (
        Letter.objects.filter(case__in=[c.pk for c in cases])
        .exclude(outcome="")
        .order_by("sent_at", "id")
        .values_list("case_id", "outcome")
    )
    for case_id, outcome in letters:
        found[case_id] = outcome
    return found


def _band(regime: Regime, cal: RegimeCalendar, received: datetime, closed) -> str:
    for band in regime.return_bands:
        if closed <= due_at(band, received, cal):
            return band["code"]
    return "later"


def _redress(code: str, since: datetime, until: datetime) -> dict[str, str]:
    totals: dict[str, Decimal] = {}
    paid = Offer.objects.filter(
        case__regime=code,
        status=OfferStatus.FULFILLED,
        fulfilled_at__gte=since,
        fulfilled_at__lt=until,
        amount__isnull=False,
    ).values_list("currency", "amount")
    for currency, amount in paid:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return {currency: f"{total:.2f}" for currency, total in sorted(totals.items())}
