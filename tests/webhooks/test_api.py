"""/api/v1/webhooks/ (CONTRACT §14): scope, ownership, secrets shown once, attempts."""

import base64

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_client_create
from complaints.actors import Actor
from tests.webhooks.conftest import only_delivery
from webhooks.delivery import delivery_attempt
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db

HOOK = {"url": "https://hooks.example.com/redress", "events": ["case.created"]}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_for(db):
    """`api_for(scopes, user=None)` → (APIClient with a new key, its ApiClient)."""

    def make(scopes=("webhooks:manage",), user=None, name="shop"):
        client, key = api_client_create(
            name=name,
            username=user.get_username() if user else None,
            scopes=list(scopes),
            by=Actor.system("tests"),
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return api, client

    return make


def is_problem(response, status: int) -> bool:
    return (
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and response.json()["status"] == status
    )


def test_subscribing_answers_201_with_the_secret_shown_once(api_for):
    api, client = api_for()
    response = api.post("/api/v1/webhooks/", HOOK, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["url"] == HOOK["url"] and body["events"] == ["case.created"]
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) >= 24
    assert WebhookSubscription.objects.get(pk=body["id"]).client == client

    again = api.get(f"/api/v1/webhooks/{body['id']}/").json()
    assert "secret" not in again
    listed = api.get("/api/v1/webhooks/").json()
    assert [w["id"] for w in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]


def test_a_key_without_the_webhooks_scope_is_refused(api_for):
    api, _ = api_for(scopes=["complaints:write", "complaints:read", "cases:manage"])
    assert is_problem(api.post("/api/v1/webhooks/", HOOK, format="json"), 403)
    assert is_problem(api.get("/api/v1/webhooks/"), 403)


def test_a_browser_session_and_no_credentials_are_refused(client, manager):
    assert is_problem(APIClient().get("/api/v1/webhooks/"), 401)
    session = APIClient()
    session.force_login(manager)
    assert is_problem(session.get("/api/v1/webhooks/"), 403)


def test_a_user_key_with_the_scope_may_subscribe(api_for, lead):
    api, client = api_for(user=lead, scopes=["complaints:read", "webhooks:manage"])
    response = api.post("/api/v1/webhooks/", HOOK, format="json")
    assert response.status_code == 201
    assert client.user == lead


def test_another_clients_webhook_is_not_found(api_for):
    mine, _ = api_for(name="mine")
    theirs, _ = api_for(name="theirs")
    hook = theirs.post("/api/v1/webhooks/", HOOK, format="json").json()["id"]

    assert is_problem(mine.get(f"/api/v1/webhooks/{hook}/"), 404)
    assert is_problem(mine.delete(f"/api/v1/webhooks/{hook}/"), 404)
    assert is_problem(mine.post(f"/api/v1/webhooks/{hook}/rotate/"), 404)
    assert is_problem(mine.get(f"/api/v1/webhooks/{hook}/deliveries/"), 404)
    assert mine.get("/api/v1/webhooks/").json()["results"] == []
    assert WebhookSubscription.objects.filter(pk=hook).exists()


def test_deleting_answers_204_and_then_404(api_for):
    api, _ = api_for()
    hook = api.post("/api/v1/webhooks/", HOOK, format="json").json()["id"]
    assert api.delete(f"/api/v1/webhooks/{hook}/").status_code == 204
    assert is_problem(api.get(f"/api/v1/webhooks/{hook}/"), 404)


def test_rotating_returns_a_new_secret(api_for):
    api, _ = api_for()
    created = api.post("/api/v1/webhooks/", HOOK, format="json").json()
    rotated = api.post(f"/api/v1/webhooks/{created['id']}/rotate/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    subscription = WebhookSubscription.objects.get(pk=created["id"])
    assert subscription.previous_secret == created["secret"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x", "events": ["case.created"]}, "url"),
        ({"url": "https://hooks.example.com/", "events": []}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["case.deleted"]}, "events"),
        ({"url": "https://hooks.example.com/", "events": "case.created"}, "events"),
        ({"events": ["case.created"]}, "url"),
        ({"url": "https://hooks.example.com/\x00", "events": ["case.created"]}, "url"),
        ({"url": "h" * 3000, "events": ["case.created"]}, "url"),
    ],
)
def test_invalid_subscriptions_are_400_problems(api_for, body, field):
    api, _ = api_for()
    response = api.post("/api/v1/webhooks/", body, format="json")
    assert is_problem(response, 400)
    assert field in response.json()["errors"]


def test_a_body_that_is_not_an_object_is_a_400_problem(api_for):
    api, _ = api_for()
    response = api.post("/api/v1/webhooks/", ["x"], format="json")
    assert is_problem(response, 400)


def test_a_private_url_is_refused_when_debug_is_off(api_for, settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = False
    api, _ = api_for()
    body = {"url": "http://localhost:9000/hook", "events": ["case.created"]}
    response = api.post("/api/v1/webhooks/", body, format="json")
    assert is_problem(response, 400)
    assert "not a public address" in response.json()["errors"]["url"][0]


def test_deliveries_list_every_attempt_with_short_bodies(
    api_for, receivers, file_case, queued
):
    receiver = receivers(script=[(500, 0)], answer_body=b"x" * 5000)
    api, client = api_for()
    body = {"url": receiver.url, "events": ["case.created"]}
    hook = api.post("/api/v1/webhooks/", body, format="json").json()["id"]
    case = file_case(client)
    delivery = only_delivery(WebhookSubscription.objects.get(pk=hook))
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    delivery_attempt(delivery_id=delivery.pk, now=delivery.next_attempt_at)

    response = api.get(f"/api/v1/webhooks/{hook}/deliveries/")
    assert response.status_code == 200
    attempts = response.json()["results"]
    event_id = f"evt_{case.events.get().pk}"
    assert [(a["event_id"], a["type"], a["attempt"]) for a in attempts] == [
        (event_id, "case.created", 2),
        (event_id, "case.created", 1),
    ]
    assert [(a["status_code"], a["succeeded"]) for a in attempts] == [
        (200, True),
        (500, False),
    ]
    assert all(len(a["response_body"]) == 1024 for a in attempts)
    assert {"error", "at", "duration_ms"} <= set(attempts[0])


def test_the_schema_documents_the_webhook_routes(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/webhooks/"])
    assert {"get", "delete"} <= set(paths["/api/v1/webhooks/{id}/"])
    assert "post" in paths["/api/v1/webhooks/{id}/rotate/"]
    assert "get" in paths["/api/v1/webhooks/{id}/deliveries/"]
    created = paths["/api/v1/webhooks/"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(created)
