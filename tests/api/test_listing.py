"""GET /api/v1/complaints/: filters, text search, cursor pages, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.actors import Actor
from complaints.models import Case, Category
from complaints.services import case_escalate
from sla.models import Deadline
from tests.factories import CaseFactory, CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


@pytest.fixture
def boss(api_as, manager):
    return api_as(manager)


def test_filters_narrow_the_list(boss, make_case, agent, team):
    delivery = Category.objects.create(name="Delivery", slug="delivery")
    urgent = make_case("new", priority="urgent", category=delivery)
    listening = make_case("listening", assignee=agent)
    escalated = make_case("new")
    case_escalate(case=escalated, level=1, by=Actor.system("test"))
    assert refs(boss.get(URL, {"priority": "urgent"})) == {urgent.reference}
    assert refs(boss.get(URL, {"stage": "listening"})) == {listening.reference}
    both = boss.get(URL, [("stage", "listening"), ("stage", "new")])
    assert len(refs(both)) == 3
    assert refs(boss.get(URL, {"category": "delivery"})) == {urgent.reference}
    assert refs(boss.get(URL, {"assignee": agent.username})) == {listening.reference}
    assert refs(boss.get(URL, {"escalated": "true"})) == {escalated.reference}
    assert escalated.reference not in refs(boss.get(URL, {"escalated": "false"}))
    customer = boss.get(URL, {"customer": urgent.customer_id})
    assert refs(customer) == {urgent.reference}


def test_date_filters_bound_the_creation_time(boss, make_case):
    old = make_case("new")
    Case.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10)
    )
    new = make_case("new")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert refs(boss.get(URL, {"created_after": since})) == {new.reference}
    assert refs(boss.get(URL, {"created_before": since})) == {old.reference}
    assert refs(boss.get(URL, {"created_after": "2000-01-01"})) == {
        old.reference,
        new.reference,
    }


def test_overdue_lists_cases_with_a_running_deadline_past_due(
    boss, make_case, sla_policy
):
    late = make_case("new")
    make_case("new")
    Deadline.objects.filter(case=late).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    assert refs(boss.get(URL, {"overdue": "true"})) == {late.reference}
    assert late.reference not in refs(boss.get(URL, {"overdue": "false"}))


def test_text_search_looks_in_reference_subject_description_and_customer(
    boss, make_case
):
    by_subject = make_case("new", subject="Cracked teapot lid")
    by_description = make_case("new", description="The spout of the TEAPOT leaks")
    by_customer = make_case(
        "new", customer=CustomerFactory(name="Grace Hopper", email="grace@navy.mil")
    )
    make_case("new", subject="Late parcel")
    assert refs(boss.get(URL, {"q": "teapot"})) == {
        by_subject.reference,
        by_description.reference,
    }
    assert refs(boss.get(URL, {"q": "hopper"})) == {by_customer.reference}
    assert refs(boss.get(URL, {"q": "NAVY.MIL"})) == {by_customer.reference}
    assert refs(boss.get(URL, {"q": by_subject.reference})) == {by_subject.reference}


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "last tuesday"},
        {"created_before": "2026-13-45"},
        {"stage": "limbo"},
        {"priority": "meh"},
        {"escalated": "perhaps"},
        {"customer": "abc"},
        {"cursor": "not-a-cursor"},
        {"page_size": "-3"},
        {"q": "x" * 201},
    ],
)
def test_bad_query_parameters_are_a_400_problem(params, boss):
    response = boss.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(params) <= set(response.json()["errors"])


def test_cursor_pages_stay_stable_when_cases_are_filed_meanwhile(boss, make_case):
    for _ in range(5):
        make_case("new")
    first = boss.get(URL, {"page_size": 2}).json()
    for _ in range(3):
        make_case("new")  # new cases go before the first page; later pages don't shift
    seen = [row["reference"] for row in first["results"]]
    url = first["next"]
    while url:
        page = boss.get(url).json()
        seen += [row["reference"] for row in page["results"]]
        url = page["next"]
    oldest_five = Case.objects.order_by("created_at", "id")[:5]
    assert sorted(seen) == sorted(c.reference for c in oldest_five)
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize("size", [2, 20])
def test_the_list_takes_the_same_few_queries_at_any_page_size(
    size, api_as, agent, team, django_assert_max_num_queries
):
    customer = CustomerFactory()
    for n in range(size):
        CaseFactory.file(by=agent, team=team, customer=customer, subject=f"Case {n}")
    client = api_as(agent)
    # `q` adds at most four: the customers a fragment names, the probe of the
    # newest cases, then (a rarer text) its matches by index, sent with their
    # plan settings (reset after, as a test runs inside a transaction).
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"page_size": size, "q": "case"})
    assert len(response.json()["results"]) == size


def test_the_detail_takes_the_same_few_queries_with_more_offers(
    api_as, manager, make_case, django_assert_max_num_queries
):
    from complaints import lifecycle

    case = make_case("resolving")
    for _ in range(5):
        lifecycle.offer_make(
            case=case,
            kind="credit",
            amount="5",
            currency="EUR",
            by=Actor.system("test"),
        )
    client = api_as(manager)
    with django_assert_max_num_queries(9):
        response = client.get(f"{URL}{case.reference}/")
    assert len(response.json()["offers"]) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "0190-11-21T21:11:10-18:10"},  # PostgreSQL caps offsets
        {"created_after": "0001-01-01T00:00:00+14:00"},  # before year 1 in UTC
        {"created_before": "9999-12-31T23:59:59-12:00"},  # after year 9999 in UTC
        {"q": "a\x00b"},
        {"customer": "99999999999999999999999"},
        {"assignee": "Ð¤,Ò"},
    ],
)
def test_extreme_query_values_never_cause_a_server_error(params, boss):
    assert boss.get(URL, params).status_code in (200, 400)
