"""GET /api/v1/returns/{regime}/ on a hand-built half-year with known answers."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from complaints.actors import Actor
from complaints.models import Case, Offer
from regimes.models import Letter
from regimes.selectors import regime_version
from regimes.support import customer_vulnerability_record
from tests.factories import CaseFactory, StaffFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
URL = "/api/v1/returns/fca/?from=2026-01-01&to=2026-06-30"


def ldn(*parts) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def complaint(regime: str, received: datetime, *, closed: datetime | None = None):
    case = CaseFactory.file()
    Case.objects.filter(pk=case.pk).update(
        regime=regime, received_at=received, closed_at=closed
    )
    return case


def letter(case, kind: str, sent: datetime, outcome: str = "") -> None:
    Letter(
        case=case,
        regime=regime_version(code="fca", on=sent.date()),
        kind=kind,
        outcome=outcome,
        body="text",
        sha256="0" * 64,
        sent_at=sent,
        sent_by_label="test",
    ).save()


def paid(case, amount: str, currency: str, when: datetime) -> None:
    Offer.objects.create(
        case=case,
        kind="refund",
        amount=Decimal(amount),
        currency=currency,
        status="fulfilled",
        fulfilled_at=when,
    )


def vulnerable(case) -> None:
    customer_vulnerability_record(
        customer=case.customer,
        drivers=["health"],
        consent_from="the customer",
        by=Actor.system("test"),
    )


@pytest.fixture
def half_year(db):
    # Received and answered before the period: counted nowhere.
    old = complaint("fca", ldn(2025, 11, 1, 9))
    vulnerable(old)  # received before the period: not in its vulnerable count
    letter(old, "final_response", ldn(2025, 12, 1, 9), "upheld")
    # A: open at the start, answered (not upheld) within 8 weeks.
    a = complaint("fca", ldn(2025, 12, 20, 11))
    letter(a, "final_response", ldn(2026, 1, 10, 9), "not_upheld")
    # B: resolved by a summary resolution within 3 business days.
    b = complaint("fca", ldn(2026, 1, 5, 10))
    letter(b, "summary_resolution", ldn(2026, 1, 7, 16))
    # C: upheld within 8 weeks; £150 paid.
    c = complaint("fca", ldn(2026, 2, 2, 10))
    vulnerable(c)
    letter(c, "final_response", ldn(2026, 3, 2, 10), "upheld")
    paid(c, "150.00", "GBP", ldn(2026, 3, 5, 10))
    # D: partly upheld after 8 weeks; £50.50 and €20 paid.
    d = complaint("fca", ldn(2026, 3, 1, 10))
    letter(d, "final_response", ldn(2026, 5, 20, 10), "partly_upheld")
    paid(d, "50.50", "GBP", ldn(2026, 5, 21, 10))
    paid(d, "20.00", "EUR", ldn(2026, 5, 22, 10))
    # H: withdrawn (closed without a letter) on Good Friday, within 3 business days.
    complaint("fca", ldn(2026, 4, 1, 10), closed=ldn(2026, 4, 3, 12))
    # E: still open.
    vulnerable(complaint("fca", ldn(2026, 6, 15, 10)))
    # F: answered after the period; its redress is paid after it too.
    f = complaint("fca", ldn(2026, 6, 20, 10))
    letter(f, "final_response", ldn(2026, 7, 2, 10), "upheld")
    paid(f, "999.00", "GBP", ldn(2026, 7, 3, 10))
    # G: another regime.
    g = complaint("asic", ldn(2026, 3, 1, 10), closed=ldn(2026, 3, 2, 10))
    vulnerable(g)  # another regime's
    paid(g, "5.00", "AUD", ldn(2026, 3, 2, 10))


def test_the_half_year_return(half_year, api_as, manager):
    response = api_as(manager).get(URL)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "regime": "fca",
        "from": "2026-01-01",
        "to": "2026-06-30",
        "opened": 6,
        "closed": 5,
        "open_at_start": 1,
        "open_at_end": 2,
        "by_outcome": {
            "upheld": 1,
            "partly_upheld": 1,
            "not_upheld": 1,
            "no_outcome": 2,
            "upheld_including_partly": 2,
        },
        "closed_by_band": {
            "within_3_business_days": 2,
            "within_8_weeks": 2,
            "later": 1,
        },
        "redress_paid": {"EUR": "20.00", "GBP": "200.50"},
        "vulnerable": 2,
    }


def test_the_return_as_csv(half_year, api_as, manager):
    response = api_as(manager).get(URL + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = dict(csv.reader(io.StringIO(response.content.decode())))
    assert rows["opened"] == "6"
    assert rows["closed_later"] == "1"
    assert rows["redress_paid_GBP"] == "200.50"
    assert rows["vulnerable"] == "2"


@pytest.mark.parametrize("role", ["agent", "team_lead"])
def test_only_managers_read_returns(db, api_as, team, role):
    user = StaffFactory(role=role, teams=[team])
    assert api_as(user).get(URL).status_code == 403


def test_service_clients_never_read_returns(service):
    assert service.get(URL).status_code == 403


def test_anonymous_callers_are_refused(anon):
    assert anon.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2026-07-01&to=2026-01-01",
        "?from=2026-01-01",
        "?from=nonsense&to=2026-01-01",
        "?from=0001-01-01&to=2026-01-01",
        "?from=2020-01-01&to=2026-01-01",
    ],
)
def test_bad_periods_are_400(api_as, manager, query):
    response = api_as(manager).get("/api/v1/returns/fca/" + query)
    assert response.status_code == 400


def test_an_unknown_regime_is_400(api_as, manager):
    response = api_as(manager).get(
        "/api/v1/returns/nope/?from=2026-01-01&to=2026-06-30"
    )
    assert response.status_code == 400


def test_errors_stay_problem_json_when_csv_is_asked(api_as, manager):
    response = api_as(manager).get("/api/v1/returns/fca/?format=csv&from=x&to=y")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_case_shows_its_redress_paid_per_currency(api_as, manager):
    case = complaint("fca", ldn(2026, 3, 1, 10))
    paid(case, "10.00", "GBP", ldn(2026, 3, 2, 10))
    paid(case, "2.50", "GBP", ldn(2026, 3, 3, 10))
    paid(case, "7.00", "EUR", ldn(2026, 3, 3, 10))
    Offer.objects.create(
        case=case,
        kind="refund",
        amount=Decimal("99"),
        currency="GBP",
        status="accepted",
    )
    body = api_as(manager).get(f"/api/v1/complaints/{case.reference}/").json()
    assert body["redress_paid"] == {"EUR": "7.00", "GBP": "12.50"}
