"""The visibility and hand-on rules as units: one rule, read from both sides."""

import pytest

from complaints.exceptions import ActionForbidden, DomainError
from complaints.selectors import (
    assignable_users,
    cases_visible_to,
    staff_who_may_see,
)
from complaints.services import assignment_check, case_assign, case_route
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(team, other_team, agent, lead, manager):
    return {
        "agent": agent,
        "lead": lead,
        "manager": manager,
        "other_agent": StaffFactory(role="agent", teams=[other_team]),
        "other_lead": StaffFactory(role="team_lead", teams=[other_team]),
        "loner": StaffFactory(role="team_lead", teams=[]),
    }


def test_both_sides_of_the_visibility_rule_agree(people, make_case, other_team):
    cases = [
        make_case("new"),
        make_case("new", team=None, by=people["lead"]),
        make_case("listening", team=other_team, by=people["other_agent"]),
    ]
    for case in cases:
        seers = set(staff_who_may_see(case).values_list("pk", flat=True))
        for name, user in people.items():
            visible = cases_visible_to(user).filter(pk=case.pk).exists()
            assert visible == (user.pk in seers), (name, case.team)


def test_a_triage_case_is_seen_by_leads_and_managers_not_agents(people, make_case):
    case = make_case("new", team=None, by=people["lead"])
    for name in ("lead", "other_lead", "loner", "manager"):
        assert cases_visible_to(people[name]).filter(pk=case.pk).exists(), name
    for name in ("agent", "other_agent"):
        assert not cases_visible_to(people[name]).filter(pk=case.pk).exists(), name


def test_visibility_is_one_query(people, django_assert_num_queries, make_case):
    make_case("new", team=None, by=people["lead"])
    lead = people["lead"]
    cases_visible_to(lead)  # loads the role and teams once
    with django_assert_num_queries(1):
        list(cases_visible_to(lead))


def test_the_hand_on_rule(people, make_case, other_team):
    case = make_case("new")
    agent, lead = people["agent"], people["lead"]
    assignment_check(case=case, assignee=agent, by=agent)  # take
    assignment_check(case=case, assignee=agent, by=lead)  # lead hands on
    with pytest.raises(ActionForbidden):
        assignment_check(case=case, assignee=people["manager"], by=agent)
    with pytest.raises(DomainError) as refused:
        assignment_check(case=case, assignee=people["other_agent"], by=lead)
    assert refused.value.missing == ["assignee"]
    with pytest.raises(ActionForbidden):  # another team's lead
        assignment_check(case=case, assignee=agent, by=people["other_lead"])
    mine = case_assign(case=case, assignee=agent, by=agent)
    assignment_check(case=mine, assignee=None, by=agent)  # hand back
    with pytest.raises(ActionForbidden):
        assignment_check(
            case=mine, assignee=None, by=StaffFactory(role="agent", teams=[case.team])
        )


def test_assignable_users_of_a_triage_case_have_exactly_one_team(
    people, make_case, team, other_team
):
    case = make_case("new", team=None, by=people["lead"])
    both = StaffFactory(role="agent", teams=[team, other_team])
    offered = set(assignable_users(case).values_list("pk", flat=True))
    assert people["agent"].pk in offered
    assert people["other_agent"].pk in offered
    assert both.pk not in offered
    assert people["loner"].pk not in offered


def test_routing_is_for_leads_of_the_case_and_managers(people, make_case, other_team):
    case = make_case("new")
    with pytest.raises(ActionForbidden):
        case_route(case=case, team=other_team, by=people["agent"])
    with pytest.raises(ActionForbidden):
        case_route(case=case, team=other_team, by=people["other_lead"])
    routed = case_route(case=case, team=other_team, by=people["lead"])
    assert routed.team == other_team
    assert routed.version == case.version + 1


def test_routing_away_unassigns_someone_outside_the_new_team(
    people, make_case, other_team
):
    case = make_case("listening", by=people["agent"])
    routed = case_route(case=case, team=other_team, by=people["manager"])
    assert routed.assignee is None
    kinds = list(routed.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["routed", "assigned"]


def test_the_leads_of_a_triage_case_are_every_lead(people, make_case):
    from notifications.selectors import case_leads, case_watchers

    case = make_case("new", team=None, by=people["lead"])
    leads = {people["lead"].pk, people["other_lead"].pk, people["loner"].pk}
    assert {u.pk for u in case_leads(case)} == leads
    assert {u.pk for u in case_watchers(case)} == leads
