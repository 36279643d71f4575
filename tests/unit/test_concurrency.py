"""Races on PostgreSQL: threads, each with its own connection, hit one row at once.

Each worker waits at a barrier so the calls really overlap, and closes its
connection when done (Django opens one per thread).
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from complaints import lifecycle
from complaints.actors import Actor
from complaints.exceptions import DomainError, StaleVersion, TransitionRefused
from complaints.models import Case
from complaints.services import case_assign, case_file
from customers.models import CustomerRef
from customers.services import customer_match_or_create
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at once in threads; return each result or raised exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results


def split(results: list[Any]) -> tuple[list[Any], list[Exception]]:
    errors = [r for r in results if isinstance(r, Exception)]
    return [r for r in results if not isinstance(r, Exception)], errors


@pytest.fixture
def assigned(make_case, agent):
    return case_assign(case=make_case("new"), assignee=agent, by=agent)


def test_two_identical_transitions_at_once_one_wins_the_other_is_refused(
    assigned, agent
):
    results = race([lambda: lifecycle.transition(assigned, "listening", by=agent)] * 2)

    won, lost = split(results)
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], TransitionRefused)
    assert lost[0].missing == ["valid_move"]
    case = Case.objects.get(pk=assigned.pk)
    assert (case.stage, case.version) == ("listening", assigned.version + 1)
    assert case.events.filter(kind="stage_changed").count() == 1


def test_two_moves_from_the_same_version_one_wins_the_other_is_stale(make_case, agent):
    case = make_case("listening")
    move = {
        "customer_account": "The fridge stopped after a week.",
        "restatement": "So the fridge died within a week.",
        "apology": "We are so sorry. Will you accept our apology?",
    }

    results = race(
        [
            lambda: lifecycle.transition(
                case, "acknowledged", by=agent, expected_version=case.version, **move
            ),
            lambda: lifecycle.transition(
                case,
                "closed",
                by=agent,
                expected_version=case.version,
                close_reason="withdrawn",
            ),
        ]
    )

    won, lost = split(results)
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], StaleVersion)
    after = Case.objects.get(pk=case.pk)
    assert after.stage == won[0].stage
    assert after.version == won[0].version
    assert after.events.filter(kind="stage_changed").count() == 2
    # The apology went out only if the acknowledgement won.
    assert after.messages.exists() is (after.stage == "acknowledged")


def test_two_assignments_from_the_same_version_one_wins(assigned, agent, lead):
    results = race(
        [
            lambda: case_assign(
                case=assigned, assignee=user, by=user, expected_version=assigned.version
            )
            for user in (agent, lead)
        ]
    )

    won, lost = split(results)
    assert len(won) == 1 and isinstance(lost[0], StaleVersion)
    after = Case.objects.get(pk=assigned.pk)
    assert after.assignee == won[0].assignee
    assert after.events.filter(kind="assigned").count() == 2  # the fixture's + one


def test_accepting_and_withdrawing_one_offer_at_once_only_one_happens(make_case, agent):
    case = make_case("resolving")
    offer = lifecycle.offer_make(case=case, kind="replacement", by=agent)

    results = race(
        [
            lambda: lifecycle.offer_accept(offer=offer, by=agent),
            lambda: lifecycle.offer_withdraw(offer=offer, by=agent),
        ]
    )

    won, lost = split(results)
    assert len(won) == 1 and isinstance(lost[0], DomainError)
    offer.refresh_from_db()
    assert offer.status == won[0].status
    assert (
        case.events.filter(kind__in=["offer_accepted", "offer_withdrawn"]).count() == 1
    )


def test_twenty_filings_at_once_get_twenty_distinct_references():
    customer = CustomerFactory()

    results = race(
        [
            lambda n=n: case_file(
                customer=customer,
                subject=f"Complaint {n}",
                description="Late.",
                by=Actor.system("test"),
            )
            for n in range(20)
        ]
    )

    cases, errors = split(results)
    assert errors == []
    references = {case.reference for case in cases}
    assert len(references) == 20
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(numbers[0], numbers[0] + 20))


def test_matching_one_external_ref_at_once_makes_one_customer():
    results = race(
        [
            lambda n=n: customer_match_or_create(
                email=f"shopper{n}@example.com",
                name="Sam Shopper",
                external_ref="shop-4711",
                by=Actor.system("tests"),
            )
            for n in range(8)
        ]
    )

    pairs, errors = split(results)
    assert errors == []
    assert CustomerRef.objects.filter(external_ref="shop-4711").count() == 1
    assert len({customer.pk for customer, _ in pairs}) == 1
    assert sum(created for _, created in pairs) == 1
