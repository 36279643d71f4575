"""The nightly pass: anonymise every case past retention, then every customer
whose cases are all anonymised. The Celery beat task and the
`anonymise_expired` command both call `anonymise_expired`."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from complaints.actors import Actor, By

from .anonymise import case_anonymise, customer_anonymise
from .exceptions import RecordsRefused
from .retention import cases_past_retention, customers_to_anonymise


@dataclass
class Pass:
    """What one pass did (or, dry, would do), one line per case or customer."""

    lines: list[str] = field(default_factory=list)
    cases: int = 0
    customers: int = 0


def anonymise_expired(
    *, now: datetime | None = None, dry_run: bool = False, by: By | None = None
) -> Pass:
    """Anonymise the cases past retention and the customers left with only
    anonymised cases (dry: only list them). Each case commits on its own, so
    a refusal (a hold placed meanwhile) skips that one and the pass goes on.
    """
    now = now or timezone.now()
    by = by or Actor.system("anonymise_expired")
    result = Pass()
    verb = "would anonymise" if dry_run else "anonymised"
    for case, ends in cases_past_retention(now=now):
        line = f"{verb} case {case.reference} (retention ended {ends:%Y-%m-%d})"
        if not dry_run:
            try:
                case_anonymise(case=case, by=by, now=now)
            except RecordsRefused as refused:
                result.lines.append(f"skipped case {case.reference}: {refused.detail}")
                continue
        result.cases += 1
        result.lines.append(line)
    if dry_run:
        return result
    for customer in customers_to_anonymise():
        try:
            customer_anonymise(customer=customer, by=by, now=now)
        except RecordsRefused as refused:
            result.lines.append(f"skipped customer {customer.pk}: {refused.detail}")
            continue
        result.customers += 1
        result.lines.append(f"anonymised customer {customer.pk}")
    return result
