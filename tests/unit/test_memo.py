"""Process memos (config.memo): kept rows are dropped in every process on an edit."""

import pytest
from django.core.cache import cache

from api.services import api_client_create, api_client_revoke
from complaints.actors import Actor
from config import memo
from sla.models import SlaPolicy
from tests.api.conftest import client_with, complaint_body, sla_policy

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
__all__ = ["sla_policy"]  # the fixture, shared with the API tests


def test_a_revoked_key_fails_on_the_next_request(db):
    client, key = api_client_create(
        name="shop", scopes=["complaints:read"], by=Actor.system("test")
    )
    api = client_with(key)
    assert api.get("/api/v1/ping/").status_code == 200  # now memoised
    api_client_revoke(client=client, by=Actor.system("test"))
    assert api.get("/api/v1/ping/").status_code == 401


def test_an_edited_policy_times_the_next_filing(db, sla_policy):
    _, key = api_client_create(name="shop", by=Actor.system("test"))
    api = client_with(key)
    first = api.post(URL, complaint_body(), format="json").json()
    sla_policy.first_response_minutes = 5
    sla_policy.save()
    second = api.post(URL, complaint_body(), format="json").json()
    targets = [
        {d["kind"]: d["target_minutes"] for d in body["deadlines"]}["first_response"]
        for body in (first, second)
    ]
    assert targets == [60, 5]


def test_another_workers_edit_reaches_this_one_through_the_token(db, sla_policy):
    # An edit made elsewhere: the row changes without this process's signal,
    # and the other worker writes a new token to the shared cache.
    _, key = api_client_create(name="shop", by=Actor.system("test"))
    api = client_with(key)
    api.post(URL, complaint_body(), format="json")  # memoises the policy
    SlaPolicy.objects.filter(pk=sla_policy.pk).update(first_response_minutes=7)
    kept = api.post(URL, complaint_body(), format="json").json()
    assert kept["deadlines"][0]["target_minutes"] == 60  # still the kept row
    cache.set(memo.TOKEN_KEY, "another worker's edit", timeout=None)
    fresh = api.post(URL, complaint_body(), format="json").json()
    assert fresh["deadlines"][0]["target_minutes"] == 7


def test_without_a_shared_cache_nothing_is_kept(db, settings):
    settings.PROCESS_MEMOS = False
    box = memo.Memo("test-off")
    loads = []
    for _ in range(2):
        box.get("k", lambda: loads.append(1) or len(loads))
    assert loads == [1, 1]


def test_a_kept_value_is_loaded_once_per_token(db):
    box = memo.Memo("test-on")
    loads = []
    assert box.get("k", lambda: loads.append(1) or "v") == "v"
    assert box.get("k", lambda: loads.append(1) or "w") == "v"
    memo.memo_forget()
    assert box.get("k", lambda: loads.append(1) or "w") == "w"
    assert box.get("none", lambda: None, keep=lambda v: v is not None) is None
    assert box.get("none", lambda: "x", keep=lambda v: v is not None) == "x"
    assert len(loads) == 2
