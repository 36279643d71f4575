"""Idempotency-Key on filing: replays, conflicting bodies, expiry, concurrency."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from api.idempotency import owner_of
from api.models import ApiClient, IdempotencyKey
from complaints.models import Case
from tests.api.conftest import client_with, complaint_body

URL = "/api/v1/complaints/"


def post(client, body, key):
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_replay_returns_the_first_response_and_creates_nothing(service):
    first = post(service, complaint_body(), "k-1")
    again = post(service, complaint_body(), "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert "Idempotent-Replayed" not in first
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(service):
    post(service, complaint_body(), "k-2")
    response = post(service, complaint_body(subject="Something else"), "k-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_scoped_to_the_client(key_for):
    one, two = client_with(key_for(name="one")), client_with(key_for(name="two"))
    post(one, complaint_body(), "shared")
    response = post(two, complaint_body(), "shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_key_expires_after_24_hours(service):
    post(service, complaint_body(), "k-3")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = post(service, complaint_body(), "k-3")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_request_stores_nothing_so_a_corrected_retry_runs(service):
    bad = post(service, complaint_body(priority="critical"), "k-4")
    assert bad.status_code == 400
    good = post(service, complaint_body(), "k-4")
    assert good.status_code == 201
    assert not IdempotencyKey.objects.exclude(response_status=201).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_an_empty_or_overlong_key_is_422(service, key):
    assert post(service, complaint_body(), key).status_code == 422


def _concurrently(n: int, work) -> list:
    results, barrier = [None] * n, threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            results[i] = work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_requests_with_one_key_create_exactly_one_case(key_for):
    key = key_for(scopes=["complaints:write"])
    body = complaint_body()

    def attempt():
        response = post(client_with(key), body, "burst")
        return response.status_code, response.get("Idempotent-Replayed")

    outcomes = _concurrently(50, attempt)
    assert Case.objects.count() == 1
    # One created it; the others waited and replayed it (or, if the wait ran
    # out on a slow machine, were told 409 to retry) — never a second case.
    assert outcomes.count((201, None)) == 1
    assert set(outcomes) <= {(201, None), (201, "true"), (409, None)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_is_in_flight_is_409(key_for, settings):
    settings.API_IDEMPOTENCY_WAIT_SECONDS = 0.5
    key = key_for(scopes=["complaints:write"])
    client = ApiClient.objects.get()
    holding, release = threading.Event(), threading.Event()

    class _Request:  # what owner_of reads
        from api.authentication import ServiceClient

        user = ServiceClient(client=client)
        auth = client

    def first_in_flight():
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(
                    owner=owner_of(_Request),
                    key="slow",
                    body_hash="x",
                    response_status=0,
                    response_body={},
                    created_at=timezone.now(),
                )
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_in_flight)
    thread.start()
    assert holding.wait(10)
    try:
        response = post(client_with(key), complaint_body(), "slow")
    finally:
        release.set()
        thread.join(10)
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert Case.objects.count() == 0
