"""Legal holds through the API: managers' keys place and lift, others are refused."""

from datetime import UTC, datetime

import pytest

from complaints.models import EventKind
from records.models import LegalHold

from .support import closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team, agent):
    return closed_case(closed=datetime(2026, 3, 1, tzinfo=UTC), by=agent, team=team)


def test_a_manager_holds_a_case_then_lifts_it(case, manager, api_as):
    client = api_as(manager)
    response = client.post(
        f"/api/v1/complaints/{case.reference}/holds/",
        {"reason": "Litigation"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["case"] == case.reference and body["lifted_at"] is None
    again = client.post(
        f"/api/v1/complaints/{case.reference}/holds/", {"reason": "x"}, format="json"
    )
    assert again.status_code in (409, 422)
    lifted = client.post(
        f"/api/v1/holds/{body['id']}/lift/", {"reason": "Settled"}, format="json"
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_at"]
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.LEGAL_HOLD_PLACED in kinds and EventKind.LEGAL_HOLD_LIFTED in kinds


def test_a_manager_holds_a_customer(case, manager, api_as):
    response = api_as(manager).post(
        f"/api/v1/customers/{case.customer_id}/holds/",
        {"reason": "Regulator inquiry"},
        format="json",
    )
    assert response.status_code == 201
    assert LegalHold.objects.get().customer_id == case.customer_id


def test_a_reason_is_required(case, manager, api_as):
    response = api_as(manager).post(
        f"/api/v1/complaints/{case.reference}/holds/", {}, format="json"
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")
    assert not LegalHold.objects.exists()


def test_agents_and_service_clients_cannot_hold(case, agent, api_as):
    url = f"/api/v1/complaints/{case.reference}/holds/"
    assert api_as(agent).post(url, {"reason": "x"}, format="json").status_code == 403
    service = api_as(scopes=["cases:manage"])
    assert service.post(url, {"reason": "x"}, format="json").status_code == 403
    assert not LegalHold.objects.exists()
