"""The search page: every case the user may see, open or closed, with snippets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Case, Stage
from complaints.services import message_post
from tests.factories import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def page(client, user, q: str, **extra):
    client.force_login(user)
    return client.get("/search/", {"q": q, **extra})


def test_a_case_closed_long_ago_is_found_with_its_snippet(client, agent, make_case):
    case = make_case(Stage.CLOSED)
    message_post(
        by=agent,
        case=case,
        body="<script>alert(1)</script> the porcupine escaped",
        visibility="customer",
    )
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=30)
    )
    html = page(client, agent, "porcupine").content.decode()
    assert case.reference in html
    assert "<mark>porcupine</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    # The inbox's queues (recently closed: 7 days) no longer hold it.
    assert case.reference not in client.get("/", {"queue": "closed"}).content.decode()


def test_an_agent_never_finds_another_teams_case(client, agent, make_case, other_team):
    outsider = StaffFactory(role="agent", teams=[other_team])
    theirs = make_case(team=other_team, by=outsider, subject="Tapioca lumps")
    html = page(client, agent, "tapioca").content.decode()
    assert theirs.reference not in html
    assert "No case you may see matches" in html


@pytest.mark.parametrize(
    "q, status", [("\x00", 400), ("a\x00b", 400), ("x" * 100_000, 200), ("&&&", 200)]
)
def test_odd_text_and_pages_are_never_a_500(client, agent, make_case, q, status):
    make_case()
    assert page(client, agent, q).status_code == status
    assert page(client, agent, "parcel", page="99999999999").status_code == 200


def test_the_page_takes_the_same_queries_for_few_or_many_hits(
    client, manager, make_case
):
    # A word per size, not the number itself: "7" also matches a reference
    # such as CMP-2026-000007, whichever cases earlier tests filed.
    words = {2: "zephyr", 7: "quasar"}

    def count(n: int) -> int:
        for _ in range(n):
            make_case(subject=f"Anvil {words[n]}")
        page(client, manager, "warm")
        with CaptureQueriesContext(connection) as ctx:
            html = page(client, manager, f"anvil {words[n]}").content.decode()
        assert html.count('class="search-hit"') == n
        return len(ctx)

    assert count(2) == count(7)
