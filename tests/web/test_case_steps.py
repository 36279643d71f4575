"""The case page and the stepper's actions: each move, its refusal, access."""

import pytest

from complaints.models import Case, Message
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def url(case, action=""):
    return f"/cases/{case.reference}/" + (f"{action}/" if action else "")


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_another_teams_case_is_404_for_reading_and_every_action(
    other_client, make_case
):
    case = make_case("listening")
    assert other_client.get(url(case)).status_code == 404
    for action in ("take", "start", "listening", "close", "messages", "offers"):
        response = other_client.post(url(case, action), {"version": case.version})
        assert response.status_code == 404, action


def test_an_unknown_case_is_404(agent_client):
    assert agent_client.get("/cases/C-2026-999999/").status_code == 404


def test_the_stepper_says_what_the_step_is_for_and_what_is_missing(
    agent_client, make_case
):
    case = make_case("listening")
    html = agent_client.get(url(case)).content.decode()
    assert 'aria-current="step"' in html
    assert "without interrupting" in html
    assert "the customer&#x27;s account of what happened" in html
    assert "your restatement" in html


def test_starting_to_listen_moves_a_taken_case(agent_client, agent, make_case):
    case = make_case("new")
    agent_client.post(url(case, "take"), {"version": case.version})
    case = fresh(case)
    assert case.assignee == agent
    response = agent_client.post(url(case, "start"), {"version": case.version})
    assert response.status_code == 302
    assert fresh(case).stage == "listening"


def test_starting_without_an_assignee_is_refused_with_the_reason(
    agent_client, make_case
):
    case = make_case("new")
    response = agent_client.post(url(case, "start"), {"version": case.version})
    assert response.status_code == 409
    assert "cannot move to Listening" in response.content.decode()
    assert "an assignee" in response.content.decode()
    assert fresh(case).stage == "new"


def test_acknowledging_without_a_restatement_is_refused_and_keeps_the_text(
    agent_client, make_case
):
    case = make_case("listening")
    response = agent_client.post(
        url(case, "listening"),
        {
            "version": case.version,
            "customer_account": "It broke twice.",
            "apology": "We are sorry.",
            "action": "advance",
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "cannot move to Acknowledged" in html and "your restatement" in html
    assert "It broke twice." in html
    assert fresh(case).stage == "listening"


def test_acknowledging_sends_the_apology_with_the_forgiveness_question(
    agent_client, make_case
):
    case = make_case("listening")
    agent_client.post(
        url(case, "listening"),
        {
            "version": case.version,
            "customer_account": "It broke twice.",
            "restatement": "So it broke twice and nobody helped.",
            "apology": "We are sorry for the trouble.",
            "ask_forgiveness": "on",
            "action": "advance",
        },
    )
    case = fresh(case)
    assert case.stage == "acknowledged"
    apology = Message.objects.get(case=case, kind="apology")
    assert apology.visibility == "customer"
    assert apology.body.endswith("Will you accept our apology?")


def test_saving_listening_notes_does_not_move_the_case(agent_client, make_case):
    case = make_case("listening")
    agent_client.post(
        url(case, "listening"),
        {"version": case.version, "restatement": "So you mean…", "action": "save"},
    )
    case = fresh(case)
    assert case.stage == "listening" and case.restatement == "So you mean…"


def test_a_stale_save_is_refused_with_a_reload_link(agent_client, agent, make_case):
    from complaints.services import case_update

    case = make_case("listening")
    old = case.version
    case_update(case=case, by=agent, restatement="Someone else's words")
    response = agent_client.post(
        url(case, "listening"),
        {"version": old, "restatement": "My words", "action": "save"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "someone else changed this case" in html
    assert f'href="/cases/{case.reference}/">Reload the case' in html
    assert "My words" in html
    assert fresh(case).restatement == "Someone else's words"


def test_recording_the_desired_outcome_starts_resolving(agent_client, make_case):
    case = make_case("acknowledged")
    agent_client.post(
        url(case, "outcome"),
        {"version": case.version, "desired_outcome": "A refund", "action": "advance"},
    )
    case = fresh(case)
    assert case.stage == "resolving" and case.desired_outcome == "A refund"


def test_a_customer_may_decline_to_say_what_is_fair(agent_client, make_case):
    case = make_case("acknowledged")
    agent_client.post(
        url(case, "outcome"),
        {"version": case.version, "declined": "on", "action": "advance"},
    )
    case = fresh(case)
    assert case.stage == "resolving" and case.desired_outcome_declined


def test_resolving_without_an_accepted_offer_is_refused(agent_client, make_case):
    case = make_case("resolving")
    response = agent_client.post(
        url(case, "resolve"), {"version": case.version, "resolution_summary": "Done"}
    )
    assert response.status_code == 409
    assert "an accepted offer that is fulfilled" in response.content.decode()


def test_skipping_needs_a_reason(agent_client, make_case):
    case = make_case("listening")
    response = agent_client.post(
        url(case, "skip"),
        {"version": case.version, "to": "resolving", "apology": "Sorry."},
    )
    assert response.status_code == 409
    assert "a reason for skipping steps" in response.content.decode()
    agent_client.post(
        url(case, "skip"),
        {
            "version": case.version,
            "to": "resolving",
            "skip_reason": "Customer only wants the refund",
        },
    )
    assert fresh(case).stage == "resolving"


def test_closing_as_a_duplicate_names_the_kept_case(agent_client, make_case):
    kept = make_case("listening")
    case = make_case("new")
    agent_client.post(
        url(case, "close"),
        {
            "version": case.version,
            "close_reason": "duplicate",
            "duplicate_of": kept.reference.lower(),
        },
    )
    case = fresh(case)
    assert case.stage == "closed" and case.duplicate_of == kept


def test_a_duplicate_of_a_case_you_cannot_see_is_refused(
    agent_client, make_case, other_team
):
    hidden = CaseFactory.file(team=other_team)
    case = make_case("new")
    response = agent_client.post(
        url(case, "close"),
        {
            "version": case.version,
            "close_reason": "duplicate",
            "duplicate_of": hidden.reference,
        },
        follow=True,
    )
    assert response.redirect_chain == [(url(case) + "#step", 302)]
    assert "the open or closed case this one duplicates" in response.content.decode()


def test_reopening_needs_a_reason(agent_client, make_case):
    case = make_case("closed")
    response = agent_client.post(url(case, "reopen"), {"version": case.version})
    assert response.status_code == 409
    assert "a reason" in response.content.decode()
    agent_client.post(
        url(case, "reopen"), {"version": case.version, "reason": "Broke again"}
    )
    case = fresh(case)
    assert case.stage == "listening" and case.reopen_count == 1


def test_the_customer_declining_follow_up_closes_a_resolved_case(
    agent_client, make_case
):
    case = make_case("resolved")
    agent_client.post(
        url(case, "close"), {"version": case.version, "close_reason": "no_follow_up"}
    )
    case = fresh(case)
    assert case.stage == "closed" and case.follow_up_refused


def test_an_agent_cannot_hand_a_case_to_someone_else(agent_client, make_case, lead):
    case = make_case("new")
    response = agent_client.post(
        url(case, "assign"), {"version": case.version, "assignee": lead.pk}
    )
    assert response.status_code == 403  # a refusal by role, as on the API
    assert fresh(case).assignee is None


def test_a_lead_assigns_a_case_to_a_team_member(lead_client, agent, make_case):
    case = make_case("new")
    lead_client.post(
        url(case, "assign"), {"version": case.version, "assignee": agent.pk}
    )
    assert fresh(case).assignee == agent


def test_a_lead_cannot_assign_to_someone_outside_the_team(
    lead_client, other_agent, make_case
):
    case = make_case("new")
    response = lead_client.post(
        url(case, "assign"), {"version": case.version, "assignee": other_agent.pk}
    )
    assert response.status_code == 409
    assert fresh(case).assignee is None


def test_waiting_on_the_customer_pauses_and_resumes(agent_client, make_case):
    case = make_case("resolving")
    agent_client.post(url(case, "awaiting"), {"version": case.version, "awaiting": "1"})
    assert fresh(case).awaiting_customer
    agent_client.post(url(case, "awaiting"), {"version": case.version, "awaiting": "0"})
    assert not fresh(case).awaiting_customer


def test_a_tampered_version_is_a_400_not_a_500(agent_client, make_case):
    case = make_case("listening")
    response = agent_client.post(url(case, "start"), {"version": "abc"})
    assert response.status_code == 400


def test_actions_only_accept_post(agent_client, make_case):
    case = make_case("new")
    assert agent_client.get(url(case, "take")).status_code == 405


def test_timeline_and_deadlines_are_on_the_case_page(
    agent_client, sla_policy, make_case
):
    case = make_case("acknowledged")
    html = agent_client.get(url(case)).content.decode()
    assert "moved the case from Listening to Acknowledged" in html
    assert "First response" in html and ">met<" in html
    assert "Not escalated" in html
