"""Working a case over the API: ETag/If-Match, edits, transitions, messages."""

import pytest

from complaints.models import Event, Message
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(api_as, manager):
    return api_as(manager)


def path(case, suffix=""):
    return f"/api/v1/complaints/{case.reference}/{suffix}"


def test_the_detail_carries_the_version_as_a_strong_etag(boss, make_case):
    case = make_case("listening")
    response = boss.get(path(case))
    assert response["ETag"] == f'"{case.version}"'
    assert response.json()["version"] == case.version


def test_patch_with_the_current_etag_edits_and_bumps_the_tag(boss, make_case):
    case = make_case("listening")
    response = boss.patch(
        path(case),
        {"priority": "high", "restatement": "So you are saying it broke."},
        format="json",
        HTTP_IF_MATCH=f'"{case.version}"',
    )
    assert response.status_code == 200
    assert response.json()["priority"] == "high"
    assert response["ETag"] == f'"{case.version + 1}"'
    assert Event.objects.filter(case=case, kind="case_edited").exists()


@pytest.mark.parametrize("tag", ['"1"', 'W/"{v}"', "garbage"])
def test_patch_with_a_stale_or_weak_etag_is_412(boss, make_case, tag):
    case = make_case("listening")
    response = boss.patch(
        path(case),
        {"priority": "high"},
        format="json",
        HTTP_IF_MATCH=tag.format(v=case.version),
    )
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    case.refresh_from_db()
    assert case.priority == "normal"


def test_patch_assigns_by_username_and_refuses_someone_outside_the_team(
    boss, make_case, agent, other_team
):
    case = make_case("new")
    colleague = StaffFactory(role="agent", teams=[case.team])
    done = boss.patch(path(case), {"assignee": colleague.username}, format="json")
    assert done.status_code == 200
    assert done.json()["assignee"] == colleague.username
    outsider = StaffFactory(role="agent", teams=[other_team])
    refused = boss.patch(path(case), {"assignee": outsider.username}, format="json")
    assert refused.status_code == 422
    assert "assignee" in refused.json()["errors"]
    unknown = boss.patch(path(case), {"assignee": "nobody"}, format="json")
    assert unknown.status_code == 400


def test_a_refused_transition_is_409_listing_each_unmet_prerequisite(boss, make_case):
    case = make_case("listening")
    response = boss.post(
        path(case, "transitions/"), {"to": "acknowledged"}, format="json"
    )
    assert response.status_code == 409
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    codes = {item["code"]: item["message"] for item in problem["unmet"]}
    assert set(codes) == {"customer_account", "restatement", "apology"}
    assert codes["apology"] == "the apology to send the customer"


def test_a_transition_with_what_it_needs_moves_the_case(boss, make_case, manager):
    case = make_case("listening")
    response = boss.post(
        path(case, "transitions/"),
        {
            "to": "acknowledged",
            "customer_account": "It broke.",
            "restatement": "So you are saying it broke.",
            "apology": "We are sorry. Will you accept our apology?",
        },
        format="json",
        HTTP_IF_MATCH=f'"{case.version}"',
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "acknowledged"
    event = Event.objects.filter(case=case, kind="stage_changed").last()
    assert event.actor == manager
    timeline = boss.get(path(case, "timeline/")).json()["results"]
    assert timeline[-1]["kind"] == "stage_changed"
    assert timeline[-1]["actor"] == manager.username
    assert [e["id"] for e in timeline] == sorted(e["id"] for e in timeline)


def test_a_transition_with_a_stale_etag_is_412(boss, make_case):
    case = make_case("new")
    response = boss.post(
        path(case, "transitions/"),
        {"to": "closed", "close_reason": "withdrawn"},
        format="json",
        HTTP_IF_MATCH='"999"',
    )
    assert response.status_code == 412


def test_closing_as_duplicate_names_the_kept_case_by_reference(boss, make_case):
    kept, dupe = make_case("new"), make_case("new")
    response = boss.post(
        path(dupe, "transitions/"),
        {"to": "closed", "close_reason": "duplicate", "duplicate_of": kept.reference},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == kept.reference
    unknown = boss.post(
        path(kept, "transitions/"),
        {"to": "closed", "close_reason": "duplicate", "duplicate_of": "C-1999-000001"},
        format="json",
    )
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    "body", [{"to": "nirvana"}, {}, {"to": "closed", "close_reason": "bored"}]
)
def test_an_unknown_stage_or_reason_is_a_400_problem(boss, make_case, body):
    response = boss.post(path(make_case("new"), "transitions/"), body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_posting_a_message_records_it_and_its_event(boss, make_case):
    case = make_case("listening")
    response = boss.post(
        path(case, "messages/"),
        {"body": "Called the courier.", "visibility": "internal"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["visibility"] == "internal"
    assert Message.objects.filter(case=case, body="Called the courier.").exists()
    assert Event.objects.filter(case=case, kind="message_added").exists()


def test_a_blank_message_is_refused(boss, make_case):
    case = make_case("listening")
    response = boss.post(
        path(case, "messages/"), {"body": "  ", "visibility": "bogus"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"body", "visibility"}
