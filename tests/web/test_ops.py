"""Operations: the request id on responses, logs and tasks; /metrics for Prometheus."""

import logging

import pytest
from celery import shared_task
from prometheus_client.parser import text_string_to_metric_families

from complaints.actors import Actor
from ops.requestid import HEADER, _stamp, request_id
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")[HEADER]
    second = client.get("/healthz")[HEADER]
    assert len(first) == 32 and first != second


def test_a_well_formed_request_id_from_the_proxy_is_kept(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")[HEADER] == (
        "lb-1234abcd"
    )
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>x</script>")[HEADER]
    assert forged != "<script>x</script>" and len(forged) == 32


@shared_task(name="tests.ops.log_something")
def log_something():
    logging.getLogger("redress.test").warning("inside the task")


def test_a_task_logs_under_the_request_id_that_queued_it(caplog):
    headers: dict = {}
    token = request_id.set("req-abcdef12")
    try:
        _stamp(headers=headers)
    finally:
        request_id.reset(token)
    assert headers == {"request_id": "req-abcdef12"}
    with caplog.at_level(logging.INFO):
        log_something.apply(headers=headers)
    lines = [r for r in caplog.records if r.getMessage() == "inside the task"]
    assert [r.request_id for r in lines] == ["req-abcdef12"]
    assert request_id.get() == ""


def test_metrics_are_off_unless_enabled(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert right.status_code == 200


def test_metrics_parse_and_count_open_cases_by_stage(client, settings, team, agent):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = ""
    CaseFactory.in_stage("new", team=team, by=agent)
    CaseFactory.in_stage("new", team=team, by=agent)
    CaseFactory.in_stage("listening", team=team, by=agent)
    response = client.get("/metrics")
    assert response.status_code == 200
    families = {
        f.name: f for f in text_string_to_metric_families(response.content.decode())
    }
    by_stage = {
        s.labels["stage"]: s.value for s in families["redress_cases_open"].samples
    }
    assert by_stage["new"] == 2 and by_stage["listening"] == 1
    assert "closed" not in by_stage
    assert "redress_outbox_pending" in families
    assert "redress_deadlines" in families


def test_a_database_dropping_out_mid_request_is_a_503_problem(service_client_key):
    from unittest import mock

    from django.db import OperationalError
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {service_client_key}")
    with mock.patch(
        "api.views.complaints.ComplaintViewSet.list",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/api/v1/complaints/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503


def test_a_page_whose_database_drops_out_says_try_again(agent, team):
    from unittest import mock

    from django.db import OperationalError
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(agent)
    with mock.patch(
        "web.views.inbox.render", side_effect=OperationalError("connection lost")
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert b"try again" in response.content


@pytest.fixture
def service_client_key(db):
    from api.services import api_client_create

    return api_client_create(
        name="ops", username=None, scopes=["complaints:read"], by=Actor.system("tests")
    )[1]
