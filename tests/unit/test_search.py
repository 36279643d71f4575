"""Global search (complaints.search): what it finds, in what order, for whom."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.actors import Actor
from complaints.models import Case, Stage, Visibility
from complaints.search import cases_search, search_hits, search_text
from complaints.services import case_update, message_post
from customers.services import customer_edit
from tests.factories import CustomerFactory, StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def found(user, text: str) -> list[str]:
    return [c.reference for c in cases_search(user=user, text=text)]


def closed_long_ago(case: Case) -> Case:
    # Backdate as if closed a month ago: out of every inbox queue.
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=30)
    )
    return case


def test_a_case_closed_a_month_ago_is_found_by_a_word_only_in_a_message(
    make_case, agent
):
    case = make_case(Stage.CLOSED)
    message_post(
        by=agent,
        case=case,
        body="The courier Quillfeather left it.",
        visibility="internal",
    )
    closed_long_ago(case)
    make_case()  # another case, not matching
    assert found(agent, "quillfeather") == [case.reference]


def test_the_customers_phone_is_found_by_a_partial_number(make_case, agent):
    customer = CustomerFactory(phone="+44 7700 900123")
    case = make_case(customer=customer)
    make_case()
    assert found(agent, "7700 900") == [case.reference]


def test_an_email_fragment_and_a_reference_fragment_are_found(make_case, agent):
    gmail = make_case(customer=CustomerFactory(email="ada.lovelace@gmail.com"))
    other = make_case()
    assert found(agent, "gmail") == [gmail.reference]
    assert found(agent, other.reference[-6:]) == [other.reference]


def test_the_customers_account_is_searched(make_case, agent):
    case = make_case()
    case_update(
        case=case, by=agent, customer_account="The thermostat hissed all night."
    )
    make_case()
    assert found(agent, "thermostat") == [case.reference]


def test_a_subject_match_ranks_above_a_message_match(make_case, agent):
    in_subject = make_case(subject="The heron statue cracked")
    in_message = make_case()  # newer, so recency alone would put it first
    message_post(
        by=agent,
        case=in_message,
        body="Not about any heron really.",
        visibility="customer",
    )
    assert found(agent, "heron") == [in_subject.reference, in_message.reference]


def test_an_agent_never_finds_another_teams_case(make_case, agent, other_team):
    outsider = StaffFactory(role="agent", teams=[other_team])
    theirs = make_case(team=other_team, by=outsider, subject="Marmalade spill")
    mine = make_case(subject="Marmalade stain")
    assert found(agent, "marmalade") == [mine.reference]
    assert found(outsider, "marmalade") == [theirs.reference]


def test_the_document_follows_edits_of_messages_and_customers(make_case, agent):
    customer = CustomerFactory(email="old@example.org")
    case = make_case(customer=customer)
    note = message_post(
        by=agent, case=case, body="Walrus", visibility=Visibility.INTERNAL
    )
    assert found(agent, "walrus") == [case.reference]
    note.body = "Penguin"
    note.save()
    customer_edit(
        customer=customer, name="Ottoline Brackenbury", by=Actor.system("tests")
    )
    assert found(agent, "walrus") == []
    assert found(agent, "penguin") == [case.reference]
    assert found(agent, "brackenbury") == [case.reference]
    # A stale copy of the case saved later cannot put the old document back.
    stale = Case.objects.get(pk=case.pk)
    message_post(by=agent, case=case, body="Narwhal", visibility=Visibility.CUSTOMER)
    stale.priority = "high"
    stale.save()
    assert found(agent, "narwhal") == [case.reference]


def test_snippets_escape_markup_and_mark_the_words(make_case, agent):
    case = make_case()
    message_post(
        by=agent,
        case=case,
        body="<script>alert(1)</script> the kettle exploded",
        visibility="customer",
    )
    [hit] = search_hits(user=agent, text="kettle")
    assert "<mark>kettle</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet


def test_markers_typed_by_a_customer_never_become_tags(make_case, agent):
    case = make_case(description="A \ue000fake\ue001 mark and a kettle")
    [hit] = search_hits(user=agent, text="kettle")
    assert hit.reference == case.reference
    assert hit.snippet.count("<mark>") == 1


@pytest.mark.parametrize(
    "raw", ["\x00", "a\x00b", "\ud800", "x" * 100_000, "!!! & | <-> :*", "the"]
)
def test_odd_text_is_bounded_and_never_fails(make_case, agent, raw):
    make_case()
    assert len(search_text(raw)) <= 200
    search_hits(user=agent, text=raw)


def test_the_query_count_does_not_grow_with_the_hits(make_case, agent):
    def queries(n: int) -> int:
        for _ in range(n):
            make_case(subject=f"Blender {n}")
        with CaptureQueriesContext(connection) as ctx:
            hits = search_hits(user=agent, text=f"blender {n}")
            [(h.customer.name, h.team, h.assignee, str(h.snippet)) for h in hits]
        assert len(hits) == n
        return len(ctx)

    search_hits(user=agent, text="warm")  # the user's teams, read once per user
    # Customers matched by a fragment, the probe of the newest cases, whether
    # it saw every case (it did: fewer than PROBE, so no read by index), then
    # the page's rows by rank with their snippets.
    assert queries(2) == queries(6) == 4
