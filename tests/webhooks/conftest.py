"""Fixtures of the webhook tests: receivers, API clients, subscriptions, events."""

import pytest

from api.services import api_client_create
from complaints.actors import Actor
from tests.factories import CaseFactory
from tests.webhooks.receiver import Receiver
from webhooks.models import WebhookDelivery
from webhooks.services import subscription_create

SCOPES = ["complaints:write", "complaints:read", "webhooks:manage"]


@pytest.fixture(autouse=True)
def _allow_loopback(settings):
    # The receivers listen on 127.0.0.1; pytest-django runs with DEBUG off.
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receivers():
    """`receivers(script=…, default=…)` starts a receiver; all stop after the test."""
    made: list[Receiver] = []

    def make(**kwargs) -> Receiver:
        receiver = Receiver(**kwargs)
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def queued(monkeypatch):
    """Record the ids handed to the broker instead of queuing them."""
    ids: list[int] = []

    def enqueue(batch, *, countdown: float = 0) -> bool:
        ids.extend(batch)
        return True

    monkeypatch.setattr("webhooks.tasks.deliveries_enqueue", enqueue)
    return ids


@pytest.fixture
def make_client(db):
    def make(name: str = "shop", user=None, scopes=None):
        client, _key = api_client_create(
            name=name,
            username=user.get_username() if user else None,
            scopes=scopes or SCOPES,
            by=Actor.system("tests"),
        )
        return client

    return make


@pytest.fixture
def subscribe():
    def make(client, url: str, events=("case.created",)):
        return subscription_create(
            client=client, url=url, events=list(events), by=Actor.system("tests")
        )

    return make


@pytest.fixture
def file_case(django_capture_on_commit_callbacks, team):
    """File a case for `client` and publish its events, as a commit would."""

    def make(client=None, **kwargs):
        kwargs.setdefault("team", team)
        with django_capture_on_commit_callbacks(execute=True):
            return CaseFactory.file(api_client=client, **kwargs)

    return make


def only_delivery(subscription) -> WebhookDelivery:
    return WebhookDelivery.objects.get(subscription=subscription)
