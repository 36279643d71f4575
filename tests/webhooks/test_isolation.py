"""A slow or failing receiver never delays another subscription (CONTRACT §14).

Each delivery is its own task; two workers run the two deliveries of one event
side by side, and the healthy receiver has its event while the slow one is
still being waited on. The last test runs the whole path with eager Celery.
"""

import threading
import time

import pytest
from django.db import connection

from complaints.actors import Actor
from tests.webhooks.conftest import only_delivery
from webhooks.delivery import delivery_attempt
from webhooks.models import DeliveryStatus
from webhooks.tasks import deliver_webhook


@pytest.mark.django_db(transaction=True)
def test_a_slow_receiver_does_not_delay_another_subscription(
    make_client, subscribe, receivers, queued, settings, team
):
    from tests.factories import CaseFactory

    settings.WEBHOOK_TIMEOUT = 2
    slow, quick = receivers(default=(200, 4.0)), receivers()
    client = make_client()
    stuck, _ = subscribe(client, slow.url)
    healthy, _ = subscribe(client, quick.url)

    CaseFactory.file(api_client=client, team=team)  # commits: fan-out runs
    assert sorted(queued) == sorted(
        [only_delivery(stuck).pk, only_delivery(healthy).pk]
    )  # one task each

    finished: dict[int, float] = {}

    def worker(delivery_id: int) -> None:
        try:
            delivery_attempt(delivery_id=delivery_id)
            finished[delivery_id] = time.monotonic()
        finally:
            connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=[pk]) for pk in queued]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    healthy_row, stuck_row = only_delivery(healthy), only_delivery(stuck)
    assert healthy_row.status == DeliveryStatus.DELIVERED
    assert finished[healthy_row.pk] - started < 1.5
    assert finished[stuck_row.pk] - started >= 2
    assert stuck_row.status == DeliveryStatus.PENDING  # to be retried
    assert stuck_row.attempt_log.get().error == "no answer within 2 s"


@pytest.fixture
def eager():
    conf = deliver_webhook.app.conf
    before = conf.task_always_eager
    conf.task_always_eager = True
    yield
    conf.task_always_eager = before


@pytest.mark.django_db
def test_filing_through_the_api_delivers_with_eager_tasks(
    subscribe, receivers, eager, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    from api.services import api_client_create

    receiver = receivers()
    client, key = api_client_create(
        name="shop",
        scopes=["complaints:write", "complaints:read"],
        by=Actor.system("tests"),
    )
    subscribe(client, receiver.url, events=["case.created"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/complaints/",
            {
                "customer": {"email": "ann@example.com", "name": "Ann"},
                "subject": "Late parcel",
                "description": "Two weeks late.",
            },
            format="json",
        )
    assert response.status_code == 201
    [got] = receiver.received
    assert response.json()["reference"] in got.body
