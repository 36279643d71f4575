"""The Approvals queue: cases with offers pending the user's approval, by the one rule."""

import pytest
from django.db import transaction
from django.test import Client

from complaints import lifecycle
from complaints.exceptions import OfferRefused
from complaints.models import OfferLimit
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pending(make_case, agent):
    OfferLimit.objects.create(kind="refund", currency="GBP", max_amount="100.00")
    case = make_case("resolving", subject="Broken vase")
    offer = lifecycle.offer_make(
        case=case, kind="refund", amount="150", currency="GBP", by=agent
    )
    return case, offer


def in_queue(user, case) -> bool:
    response = login(user).get("/", {"queue": "approvals"})
    assert response.status_code == 200
    if response.context["filters"].queue != "approvals":
        return False
    return case.reference in response.content.decode()


def may_reject(user, offer) -> bool:
    """Whether the service lets `user` reject the offer (rolled back either way)."""
    try:
        with transaction.atomic():
            lifecycle.offer_reject(offer=offer, by=user)
            transaction.set_rollback(True)
    except OfferRefused:
        return False
    return True


def test_leads_and_managers_see_the_case_in_approvals_with_a_count(
    pending, lead, manager
):
    case, _ = pending
    for user in (lead, manager):
        response = login(user).get("/", {"queue": "approvals"})
        assert response.context["counts"]["approvals"] == 1
        assert response.context["filters"].queue == "approvals"
        assert case.reference in response.content.decode()


def test_agents_have_no_approvals_queue(pending, agent):
    response = login(agent).get("/", {"queue": "approvals"})
    assert "approvals" not in response.context["counts"]
    assert response.context["filters"].queue == "mine"


def test_the_queue_lists_exactly_the_cases_the_user_may_approve(
    pending, agent, lead, manager, other_team
):
    case, offer = pending
    outsider = StaffFactory(role="manager")
    other_lead = StaffFactory(role="team_lead", teams=[other_team])
    listed = {}
    for user in (lead, manager, outsider, other_lead, agent):
        listed[user.username] = in_queue(user, case)
        assert listed[user.username] == may_reject(user, offer), user.username
    assert sorted(name for name, yes in listed.items() if yes) == sorted(
        [lead.username, manager.username, outsider.username]
    )


def test_the_maker_does_not_see_their_own_offer_but_a_manager_does(
    make_case, lead, manager
):
    OfferLimit.objects.create(kind="refund", currency="GBP", max_amount="100.00")
    case = make_case("resolving", by=lead)
    lifecycle.offer_make(
        case=case, kind="refund", amount="150", currency="GBP", by=lead
    )
    assert not in_queue(lead, case)
    assert in_queue(manager, case)


def test_an_approved_offer_leaves_the_queue(pending, lead):
    case, offer = pending
    lifecycle.offer_approve(offer=offer, by=lead)
    assert not in_queue(lead, case)


def test_the_dashboard_tile_links_to_the_queue(manager):
    page = login(manager).get("/dashboard/").content.decode()
    tile = page.split('id="tile-approvals-pending"')[1].split("</article>")[0]
    assert 'href="/?queue=approvals"' in tile


@pytest.mark.postgres
def test_the_approvals_queue_starts_from_the_cases_holding_an_approval(
    pending, make_case, manager
):
    # Its rule is an OR of two EXISTS, which PostgreSQL tested on every open
    # case (0.3 s at 1M): the cases holding a pending offer or letter are
    # read first, and the rule is asked of those only.
    from django.db import connection
    from django.utils import timezone

    from complaints.selectors import cases_visible_to
    from web.selectors.inbox import queue_q

    case, _ = pending
    make_case(subject="Nothing pending")
    queue = cases_visible_to(manager).filter(
        queue_q("approvals", user=manager, now=timezone.now())
    )
    assert list(queue.values_list("pk", flat=True)) == [case.pk]
    sql, params = queue.order_by().values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Cond: (id = (unnest(" in plan, plan  # read by key
