"""A batch job publishes its committed emails in chunks, not one broker trip per email."""

import pytest

import notifications.outbox as outbox
from notifications.outbox import outbox_enqueue_on_commit, outbox_publish_deferred


@pytest.fixture
def published(monkeypatch):
    calls: list[list[int]] = []
    monkeypatch.setattr(outbox, "outbox_publish", lambda ids: calls.append(list(ids)))
    return calls


@pytest.mark.django_db(transaction=True)
def test_outside_a_batch_each_commit_publishes(published):
    outbox_enqueue_on_commit([1])
    outbox_enqueue_on_commit([2])
    assert published == [[1], [2]]


@pytest.mark.django_db(transaction=True)
def test_inside_a_batch_emails_are_published_in_chunks_and_at_the_end(published):
    with outbox_publish_deferred(every=3):
        for n in range(1, 8):
            outbox_enqueue_on_commit([n])
        assert published == [[1, 2, 3], [4, 5, 6]]
    assert published == [[1, 2, 3], [4, 5, 6], [7]]
    outbox_enqueue_on_commit([8])
    assert published[-1] == [8]
