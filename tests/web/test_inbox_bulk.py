"""Bulk actions on the inbox: the same services, the same refusals, one event each."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints.assignment import HAND_ON_REFUSED
from complaints.bulk import NOT_FOUND, cases_bulk_apply
from complaints.models import Case, EventKind
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _tick(*cases) -> list[str]:
    return [f"{c.reference}:{c.version}" for c in cases]


def _bulk(client, cases, **data):
    return client.post("/bulk/", {"case": _tick(*cases), **data})


def _events(case, kind) -> int:
    return case.events.filter(kind=kind).count()


def test_the_inbox_offers_a_checkbox_per_row_and_the_bulk_bar(lead_client, make_case):
    case = make_case("new")
    html = lead_client.get("/?queue=unassigned").content.decode()
    assert 'id="bulk-form"' in html
    assert f'value="{case.reference}:{case.version}" form="bulk-form"' in html


def test_a_lead_assigns_many_cases_at_once_each_with_its_own_event(
    lead_client, agent, make_case
):
    first, second = make_case("new"), make_case("new")
    response = _bulk(lead_client, [first, second], action="assign", assignee=agent.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 done, 0 refused" in html
    for case in (first, second):
        case.refresh_from_db()
        assert case.assignee == agent
        assert _events(case, EventKind.ASSIGNED) == 1


def test_an_agent_may_take_many_but_not_hand_them_to_someone_else(
    agent_client, agent, make_case, team
):
    from tests.factories import StaffFactory

    colleague = StaffFactory(role="agent", teams=[team])
    first, second = make_case("new"), make_case("new")
    # The single action refuses this with the hand-on rule's words …
    single = agent_client.post(
        f"/cases/{first.reference}/assign/",
        {"version": first.version, "assignee": colleague.pk},
    )
    assert single.status_code == 403
    assert HAND_ON_REFUSED in single.content.decode()
    # … and so does the bulk action, for each case.
    response = _bulk(
        agent_client, [first, second], action="assign", assignee=colleague.pk
    )
    html = response.content.decode()
    assert "0 done, 2 refused" in html
    assert html.count(HAND_ON_REFUSED) == 2
    assert not Case.objects.filter(assignee=colleague).exists()
    # Taking them is allowed.
    response = _bulk(agent_client, [first, second], action="assign", assignee="me")
    assert "2 done, 0 refused" in response.content.decode()
    assert Case.objects.filter(assignee=agent).count() == 2


def test_a_stale_row_is_refused_and_the_others_go_ahead(lead_client, lead, make_case):
    stale, fresh = make_case("new"), make_case("new")
    ticked = _tick(stale, fresh)
    from complaints.services import case_update

    case_update(case=stale, by=lead, priority="high")
    response = lead_client.post(
        "/bulk/", {"case": ticked, "action": "priority", "priority": "urgent"}
    )
    html = response.content.decode()
    assert "1 done, 1 refused" in html
    assert "you edited version" in html
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.priority, fresh.priority) == ("high", "urgent")
    assert _events(fresh, EventKind.CASE_EDITED) == 1


def test_cases_the_user_may_not_see_are_not_found_and_untouched(
    agent_client, make_case, other_team
):
    mine = make_case("new")
    theirs = CaseFactory.file(team=other_team)
    response = _bulk(agent_client, [mine, theirs], action="priority", priority="high")
    html = response.content.decode()
    assert "1 done, 1 refused" in html
    assert NOT_FOUND in html
    theirs.refresh_from_db()
    assert theirs.priority == "normal"


def test_routing_in_bulk_is_refused_to_an_agent_and_done_by_a_lead(
    agent_client, lead_client, make_case, other_team
):
    case = make_case("new")
    refused = _bulk(agent_client, [case], action="route", team=other_team.pk)
    assert "0 done, 1 refused" in refused.content.decode()
    assert "Only a team lead" in refused.content.decode()
    done = _bulk(lead_client, [case], action="route", team=other_team.pk)
    assert "1 done, 0 refused" in done.content.decode()
    case.refresh_from_db()
    assert case.team == other_team
    assert _events(case, EventKind.ROUTED) == 1


def test_closing_as_duplicate_refuses_the_kept_case_itself(agent_client, make_case):
    kept, dupe = make_case("new"), make_case("new")
    single = agent_client.post(
        f"/cases/{kept.reference}/close/",
        {
            "version": kept.version,
            "close_reason": "duplicate",
            "duplicate_of": kept.reference,
        },
    )
    # Refused on the page (sent back to the panel with the reason).
    assert single.status_code == 302
    assert "duplicates" in agent_client.get(single["Location"]).content.decode()
    kept.refresh_from_db()
    assert kept.stage == "new"
    response = _bulk(
        agent_client,
        [kept, dupe],
        action="close_duplicate",
        duplicate_of=kept.reference,
    )
    html = response.content.decode()
    assert "1 done, 1 refused" in html
    assert "the open or closed case this one duplicates" in html
    dupe.refresh_from_db()
    kept.refresh_from_db()
    assert (dupe.stage, dupe.close_reason, dupe.duplicate_of) == (
        "closed",
        "duplicate",
        kept,
    )
    assert kept.stage == "new"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "explode", "case": "x"},
        {"action": "priority", "priority": "high"},
        {"action": "priority", "priority": "high", "case": "C-1:abc"},
        {"action": "priority", "priority": "high", "case": "a/b:1"},
        {"action": "priority", "priority": "nope", "case": "C-2026-000001:1"},
        {"action": "assign", "assignee": "99999999999999", "case": "C-1:1"},
        {"action": "assign", "assignee": "424242", "case": "C-1:1"},
        {"action": "route", "team": "424242", "case": "C-1:1"},
        {"action": "close_duplicate", "duplicate_of": "\x00", "case": "C-1:1"},
        {"action": "priority", "priority": "low", "case": ["C-1:1"] * 150},
    ],
)
def test_garbage_never_breaks_the_bulk_action(agent_client, data):
    response = agent_client.post("/bulk/", data)
    assert response.status_code in (200, 400)


def test_the_bulk_action_needs_post_and_a_csrf_token(agent, make_case):
    case = make_case("new")
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get("/bulk/").status_code == 405
    response = client.post(
        "/bulk/", {"case": _tick(case), "action": "priority", "priority": "high"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.priority == "normal"


def test_htmx_gets_the_results_partial(lead_client, make_case):
    case = make_case("new")
    response = lead_client.post(
        "/bulk/",
        {"case": _tick(case), "action": "priority", "priority": "low"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="bulk-results"')


def test_bulk_queries_grow_only_by_what_each_single_action_costs(
    lead_client, make_case
):
    def cost(n: int) -> int:
        cases = [make_case("new") for _ in range(n)]
        # The inbox's live stamp and counts are cached between requests
        # (web.selectors.live): start each measurement equally cold.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = _bulk(lead_client, cases, action="priority", priority="high")
        assert f"{n} done" in response.content.decode()
        return len(ctx.captured_queries)

    one, two, four = cost(1), cost(2), cost(4)
    per_case = two - one
    assert four - two == 2 * per_case


def test_the_service_refuses_an_unknown_action(agent):
    from complaints.exceptions import DomainError

    with pytest.raises(DomainError):
        cases_bulk_apply(user=agent, selection=[], action="drop_table")
