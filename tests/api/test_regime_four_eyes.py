"""Four eyes on final responses (issue 13): a rejection, or a response on a
case with an offer above the regime's limit, is sent only once someone other
than its author approved its exact text."""

from decimal import Decimal

import pytest

from complaints import lifecycle
from complaints.models import Event
from config.memo import memo_forget
from notifications.models import Notification
from regimes.models import ApprovalStatus, Letter, LetterApproval, Regime
from regimes.selectors import regime_version
from tests.factories import CaseFactory, StaffFactory

pytestmark = pytest.mark.django_db

REJECT = {"kind": "final_response", "outcome": "not_upheld"}


def four_eyes(**settings) -> None:
    Regime.objects.filter(pk=regime_version(code="fca").pk).update(**settings)
    memo_forget()  # as the admin's save does (config.memo)


@pytest.fixture
def case(settings, team, agent):
    settings.DEFAULT_REGIME = "fca"
    return CaseFactory.in_stage("resolving", team=team, by=agent, assignee=agent)


def letters_url(case) -> str:
    return f"/api/v1/complaints/{case.reference}/letters/"


def ask(client, case, body=REJECT):
    return client.post(letters_url(case) + "approvals/", body, format="json")


def move(client, approval_id: int, verb: str, note: str = ""):
    return client.post(
        f"/api/v1/letter-approvals/{approval_id}/{verb}/", {"note": note}, format="json"
    )


def test_a_rejection_needs_a_second_approval(api_as, agent, case):
    four_eyes(four_eyes_on_rejection=True)
    response = api_as(agent).post(letters_url(case), REJECT, format="json")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["missing"] == ["approval", "rejection"]
    assert not Letter.objects.filter(case=case).exists()


def test_without_four_eyes_a_rejection_goes_at_once(api_as, agent, case):
    response = api_as(agent).post(letters_url(case), REJECT, format="json")
    assert response.status_code == 201, response.content


def test_an_upheld_response_needs_no_approval(api_as, agent, case):
    four_eyes(four_eyes_on_rejection=True)
    body = {"kind": "final_response", "outcome": "upheld"}
    assert api_as(agent).post(letters_url(case), body, format="json").status_code == 201


def test_asked_approved_by_the_lead_then_sent_exactly_as_approved(
    api_as, agent, lead, manager, case, django_capture_on_commit_callbacks
):
    four_eyes(four_eyes_on_rejection=True)
    author, approver = api_as(agent), api_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask(author, case)
    assert asked.status_code == 201, asked.content
    approval = asked.json()
    assert approval["status"] == "pending"
    # The lead hears of it; the author does not.
    told = Notification.objects.filter(kind="letter_approval", case=case)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [lead.pk, manager.pk]
    )
    # Not yet approved: sending it is refused.
    assert move(author, approval["id"], "send").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        approved = move(approver, approval["id"], "approve", "Reasons are clear.")
    assert approved.status_code == 200, approved.content
    assert approved.json()["decided_by"] == lead.get_username()
    assert Notification.objects.filter(recipient=agent, kind="letter_approved").exists()
    sent = move(author, approval["id"], "send")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent"
    letter = Letter.objects.get(case=case)
    assert letter.body == approval["body"] and letter.sha256 == approval["sha256"]
    assert letter.outcome == "not_upheld"
    kinds = list(
        Event.objects.filter(case=case, kind__startswith="letter").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["letter_approval_requested", "letter_approved", "letter_sent"]
    # Used once: the same approval cannot send a second letter.
    assert move(author, approval["id"], "send").status_code == 409


def test_the_author_cannot_approve_their_own(api_as, lead, case):
    four_eyes(four_eyes_on_rejection=True)
    client = api_as(lead)
    approval = ask(client, case).json()
    response = move(client, approval["id"], "approve")
    assert response.status_code == 409
    assert response.json()["missing"] == ["another_approver"]
    assert LetterApproval.objects.get(pk=approval["id"]).status == "pending"


def test_agents_and_service_clients_cannot_approve(api_as, agent, lead, case, service):
    four_eyes(four_eyes_on_rejection=True)
    approval = ask(api_as(lead), case).json()
    other_agent = StaffFactory(role="agent", teams=[case.team])
    assert move(api_as(other_agent), approval["id"], "approve").status_code == 403
    assert move(service, approval["id"], "approve").status_code in (403, 404)


def test_another_teams_lead_does_not_see_the_approval(api_as, agent, case, other_team):
    four_eyes(four_eyes_on_rejection=True)
    approval = ask(api_as(agent), case).json()
    stranger = StaffFactory(role="team_lead", teams=[other_team])
    assert move(api_as(stranger), approval["id"], "approve").status_code == 404


def test_a_refused_letter_is_never_sent(
    api_as, agent, manager, case, django_capture_on_commit_callbacks
):
    four_eyes(four_eyes_on_rejection=True)
    approval = ask(api_as(agent), case).json()
    with django_capture_on_commit_callbacks(execute=True):
        refused = move(api_as(manager), approval["id"], "refuse", "Give the reasons.")
    assert refused.status_code == 200
    assert refused.json()["status"] == ApprovalStatus.REFUSED
    assert Notification.objects.filter(recipient=agent, kind="letter_refused").exists()
    assert move(api_as(agent), approval["id"], "send").status_code == 409
    assert move(api_as(manager), approval["id"], "approve").status_code == 409


def test_an_edited_text_needs_its_own_approval(api_as, agent, lead, case):
    four_eyes(four_eyes_on_rejection=True)
    approval = ask(api_as(agent), case).json()
    move(api_as(lead), approval["id"], "approve")
    edited = approval["body"] + "\n\nP.S. something the lead never read."
    body = {**REJECT, "body": edited}
    assert api_as(agent).post(letters_url(case), body, format="json").status_code == 409
    same = {**REJECT, "body": approval["body"]}
    assert api_as(agent).post(letters_url(case), same, format="json").status_code == 201


def test_an_offer_above_the_limit_needs_approval(api_as, agent, case):
    four_eyes(four_eyes_offer_limit=Decimal("500.00"))
    upheld = {"kind": "final_response", "outcome": "upheld"}
    preview = api_as(agent).post(letters_url(case) + "preview/", upheld, format="json")
    assert preview.json()["approval_required"] == []
    lifecycle.offer_make(
        case=case, kind="refund", amount=Decimal("750.00"), currency="GBP", by=agent
    )
    preview = api_as(agent).post(letters_url(case) + "preview/", upheld, format="json")
    assert preview.status_code == 200
    assert preview.json()["approval_required"] == ["offer_above_limit"]
    response = api_as(agent).post(letters_url(case), upheld, format="json")
    assert response.status_code == 409
    assert response.json()["missing"] == ["approval", "offer_above_limit"]


def test_asking_approval_for_an_incomplete_letter_is_refused(api_as, agent, case):
    response = ask(api_as(agent), case, {**REJECT, "body": "No."})
    assert response.status_code == 422
    assert "ombudsman_contact" in response.json()["missing"]
    assert not LetterApproval.objects.exists()


def test_the_preview_writes_nothing(api_as, agent, case):
    response = api_as(agent).post(
        letters_url(case) + "preview/", {"kind": "final_response"}, format="json"
    )
    assert response.status_code == 200
    assert "outcome" in response.json()["missing"]
    assert case.reference in response.json()["text"]
    assert not Letter.objects.exists() and not LetterApproval.objects.exists()
