"""Sent letters are immutable in PostgreSQL itself: a raw UPDATE of the text,
hash or PDF, or a DELETE, is refused by a trigger (migration 0004)."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from regimes.models import Letter
from regimes.sending import letter_send
from tests.factories import CaseFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"
    ),
]


@pytest.fixture
def letter(settings, team, agent):
    settings.DEFAULT_REGIME = "fca"
    case = CaseFactory.in_stage("listening", team=team, by=agent, assignee=agent)
    return letter_send(case=case, kind="final_response", outcome="upheld", by=agent)


@pytest.mark.parametrize(
    "assignment",
    [
        "body = 'something else'",
        "sha256 = repeat('0', 64)",
        "pdf = NULL",
        "pdf_sha256 = ''",
    ],
)
def test_a_raw_update_of_a_sent_letter_is_refused(letter, assignment):
    with (
        pytest.raises(DatabaseError, match="never changes"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE regimes_letter SET {assignment} WHERE id = %s", [letter.pk]
        )
    stored = Letter.objects.get(pk=letter.pk)
    assert stored.body == letter.body and stored.sha256 == letter.sha256
    assert bytes(stored.pdf) == bytes(letter.pdf)


def test_a_raw_delete_of_a_sent_letter_is_refused(letter):
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM regimes_letter WHERE id = %s", [letter.pk])
    assert Letter.objects.filter(pk=letter.pk).exists()


def test_an_update_that_keeps_the_text_is_not_refused(letter):
    # Only the letter as sent is frozen; e.g. redirecting its recipient column
    # by an operator is the ORM's business (it refuses), not the trigger's.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE regimes_letter SET body = body WHERE id = %s", [letter.pk]
        )
        assert cursor.rowcount == 1
