"""Maker–checker through the API: a maker's own approval is a 409 problem."""

import pytest

from complaints.models import OfferLimit

pytestmark = pytest.mark.django_db


def test_a_lead_cannot_approve_their_own_offer_but_a_manager_can(
    api_as, lead, manager, make_case
):
    OfferLimit.objects.create(kind="refund", currency="EUR", max_amount=50)
    case = make_case("resolving")
    as_lead = api_as(lead)
    offer = as_lead.post(
        f"/api/v1/complaints/{case.reference}/offers/",
        {"kind": "refund", "amount": "80", "currency": "EUR"},
        format="json",
    ).json()
    assert offer["status"] == "pending_approval"

    refused = as_lead.post(f"/api/v1/offers/{offer['id']}/approve/", {}, format="json")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert "made this offer" in refused.json()["detail"]

    approved = api_as(manager).post(
        f"/api/v1/offers/{offer['id']}/approve/", {}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["approved_by"] == manager.username
