"""The `problem.opened` webhook: one delivery when a problem opens, none per link."""

import json

import pytest

from complaints.models import Category
from service_recovery.models import Problem
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def test_a_problem_opening_is_delivered_once_as_problem_opened(
    make_client, subscribe, file_case, queued, team
):
    client = make_client()
    subscription, _ = subscribe(
        client, "https://hooks.example.com/in", events=("problem.opened",)
    )
    kettles = Category.objects.create(name="Kettles", slug="kettles", default_team=team)

    for _ in range(6):
        file_case(client, category=kettles)

    problem = Problem.objects.get()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.event_type == "problem.opened"
    body = json.loads(delivery.payload)
    assert body["data"]["problem"] == {
        "id": problem.pk,
        "title": problem.title,
        "key": problem.key,
    }
