"""Receipt (CONTRACT §15): set at filing, relayed by a client within 90 days,
corrected only by a manager with a reason, on the timeline, clocks recomputed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Case, Event
from regimes.models import StatutoryDeadline
from tests.api.conftest import complaint_body
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _fca(settings):
    settings.DEFAULT_REGIME = "fca"


def test_filing_sets_receipt_to_now(service):
    before = timezone.now()
    body = service.post(URL, complaint_body(), format="json").json()
    case = Case.objects.get(reference=body["reference"])
    assert before <= case.received_at <= timezone.now()
    assert body["received_at"] is not None
    assert [c["kind"] for c in body["statutory_deadlines"]] == [
        "summary_resolution",
        "final_response",
    ]


def test_a_relayed_complaint_runs_its_clocks_from_the_earlier_receipt(service):
    earlier = timezone.now() - timedelta(days=20)
    body = service.post(
        URL, complaint_body(received_at=earlier.isoformat()), format="json"
    ).json()
    case = Case.objects.get(reference=body["reference"])
    assert case.received_at == earlier
    final = StatutoryDeadline.objects.get(case=case, kind="final_response")
    assert final.due_at - earlier < timedelta(weeks=8, days=1)


@pytest.mark.parametrize(
    "received_at",
    [
        lambda now: (now - timedelta(days=91)).isoformat(),
        lambda now: (now + timedelta(hours=1)).isoformat(),
        lambda now: "1800-01-01T00:00:00Z",
        lambda now: "not a date",
    ],
)
def test_a_receipt_out_of_bounds_is_refused(service, received_at):
    body = complaint_body(received_at=received_at(timezone.now()))
    response = service.post(URL, body, format="json")
    assert response.status_code in (400, 422)
    assert not Case.objects.exists()


def change(client, reference, **payload):
    return client.post(f"{URL}{reference}/received-at/", payload, format="json")


def test_a_manager_corrects_receipt_with_a_reason(service, api_as, manager):
    reference = service.post(URL, complaint_body(), format="json").json()["reference"]
    case = Case.objects.get(reference=reference)
    old_due = StatutoryDeadline.objects.get(case=case, kind="final_response").due_at
    earlier = case.received_at - timedelta(days=10)
    response = change(
        api_as(manager),
        reference,
        received_at=earlier.isoformat(),
        reason="The letter reached the branch ten days earlier.",
    )
    assert response.status_code == 204, response.content
    case.refresh_from_db()
    assert case.received_at == earlier
    event = Event.objects.get(case=case, kind="received_at_changed")
    assert event.data["reason"].startswith("The letter")
    new_due = StatutoryDeadline.objects.get(case=case, kind="final_response").due_at
    assert old_due - new_due == timedelta(days=10)


def test_only_a_manager_may_correct_it(service, api_as, team):
    reference = service.post(URL, complaint_body(), format="json").json()["reference"]
    Case.objects.filter(reference=reference).update(team=team)
    lead = StaffFactory(role="team_lead", teams=[team])
    earlier = (timezone.now() - timedelta(days=2)).isoformat()
    response = change(api_as(lead), reference, received_at=earlier, reason="Because")
    assert response.status_code == 403
    assert change(service, reference, received_at=earlier, reason="x").status_code in (
        403,
        404,
    )
    assert not Event.objects.filter(kind="received_at_changed").exists()


def test_a_reason_is_required(service, api_as, manager):
    reference = service.post(URL, complaint_body(), format="json").json()["reference"]
    earlier = (timezone.now() - timedelta(days=2)).isoformat()
    response = change(api_as(manager), reference, received_at=earlier, reason="  ")
    assert response.status_code in (400, 422)
    assert not Event.objects.filter(kind="received_at_changed").exists()
