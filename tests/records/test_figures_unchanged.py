"""Anonymisation keeps the regime return and the dashboards' figures identical.

A half-year of FCA complaints (the returns test's shapes: answered before,
open at the start, summary resolution, upheld with redress, partly upheld
late, withdrawn, still open; the repeat complainant recorded as vulnerable,
with a representative), each walked through the lifecycle and closed, then
anonymised past retention: the return (JSON and CSV rows) and every
dashboard figure must read the same before and after.
"""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from complaints.models import Case
from customers.models import Representative, Vulnerability
from dashboards.facts import facts_rebuild, facts_refresh
from dashboards.metrics import filter_parse, metrics_summary
from records.jobs import anonymise_expired
from records.models import AnonymisedCase, AnonymisedCustomer
from records.redaction import PLACEHOLDER
from regimes.returns import regime_return
from regimes.selectors import regime_version
from tests.api.test_regime_returns import ldn, letter, paid
from tests.factories import CaseFactory, StaffFactory

from .support import ADJUSTMENTS, REP_NAME, closed_case, supported

pytestmark = pytest.mark.django_db
PERIODS = [
    {"period": "all"},
    {"period": "30d"},
    {"from": "2025-06-01", "to": "2027-01-31"},
]
LATER = datetime(2031, 1, 1, tzinfo=UTC)


def half_year(customer_of_two=None):
    old = closed_case(received=ldn(2025, 11, 1, 9), closed=ldn(2025, 12, 1, 9))
    letter(old, "final_response", ldn(2025, 12, 1, 9), "upheld")
    a = closed_case(received=ldn(2025, 12, 20, 11), closed=ldn(2026, 1, 10, 9))
    letter(a, "final_response", ldn(2026, 1, 10, 9), "not_upheld")
    b = closed_case(received=ldn(2026, 1, 5, 10), closed=ldn(2026, 1, 7, 16))
    letter(b, "summary_resolution", ldn(2026, 1, 7, 16))
    c = closed_case(received=ldn(2026, 2, 2, 10), closed=ldn(2026, 3, 6, 10))
    letter(c, "final_response", ldn(2026, 3, 2, 10), "upheld")
    paid(c, "150.00", "GBP", ldn(2026, 3, 5, 10))
    # The same customer complains twice: a repeat complainant on the dashboard,
    # recorded as vulnerable and represented: both complaints count as the
    # vulnerable customers' in the return.
    supported(c.customer)
    d = closed_case(
        received=ldn(2026, 3, 1, 10), closed=ldn(2026, 5, 25, 10), customer=c.customer
    )
    letter(d, "final_response", ldn(2026, 5, 20, 10), "partly_upheld")
    paid(d, "50.50", "GBP", ldn(2026, 5, 21, 10))
    paid(d, "20.00", "EUR", ldn(2026, 5, 22, 10))
    closed_case(received=ldn(2026, 4, 1, 10), closed=ldn(2026, 4, 3, 12))
    still_open = CaseFactory.file()
    Case.objects.filter(pk=still_open.pk).update(
        regime="fca", received_at=ldn(2026, 6, 15, 10)
    )
    return still_open


def the_return() -> dict:
    result = regime_return(
        regime=regime_version(code="fca", on=date(2026, 6, 30)),
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
    )
    return {"rows": result.rows(), "data": result.__dict__.copy()}


def figures(user, now) -> list:
    found = []
    for params in PERIODS:
        flt = filter_parse(user=user, params=params, today=now.date())
        summary = metrics_summary(user=user, flt=flt, now=now)
        summary.pop("as_of")
        # Names are personal data, not figures: everything else must match.
        for key in ("repeat_top", "at_risk_top"):
            for row in summary["customers"][key]:
                row.pop("name")
        found.append(summary)
    return found


def test_anonymisation_keeps_the_return_identical():
    manager = StaffFactory(role="manager")
    still_open = half_year()
    facts_rebuild()
    now = timezone.now()
    before_return, before_figures = the_return(), figures(manager, now)
    assert before_return["data"]["closed"] == 5  # the builders did their work
    assert before_return["data"]["vulnerable"] == 2
    assert ("vulnerable", "2") in before_return["rows"]
    assert before_figures[0]["customers"]["repeat_complainants"] == 1

    done = anonymise_expired(now=LATER)

    assert done.cases == 6 and done.customers == 5
    assert AnonymisedCase.objects.count() == 6
    assert not AnonymisedCase.objects.filter(case=still_open).exists()
    assert AnonymisedCustomer.objects.count() == 5
    # The vulnerable customer's words and their representative are gone...
    vulnerability, representative = (
        Vulnerability.objects.get(),
        Representative.objects.get(),
    )
    assert vulnerability.adjustments == PLACEHOLDER != ADJUSTMENTS
    assert representative.name != REP_NAME and representative.email == ""
    # ...and the return still counts them as vulnerable, as it did.
    facts_refresh()
    assert the_return() == before_return
    assert figures(manager, now) == before_figures
    facts_rebuild()
    assert figures(manager, now) == before_figures
