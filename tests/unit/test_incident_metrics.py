"""Dashboard figures per incident, against a hand-built March 2026 with known
answers: linked cases, linked customers, customers told, and of the linked
cases how many were filed after their customer was told against before it
(or never told)."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboards.metrics import filter_parse
from dashboards.metrics.incidents import incident_figures
from service_recovery.incidents import (
    incident_create,
    incident_link_cases,
    incident_link_customers,
    incident_notify,
)
from tests.factories import CustomerFactory
from tests.unit.test_metrics_dataset import at

pytestmark = pytest.mark.django_db
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _open(manager, title):
    return incident_create(title=title, customer_message="Sorry.", by=manager)


@pytest.fixture
def march(manager, make_case):
    """A (opened 10 March): a1 filed before its customer was told; b1 filed
    after; c1's customer linked after the notice and never told; d linked
    directly and told, with no case. B (20 March): one case, nobody told.
    Old (February): outside the period."""
    with at(3, 5, 10):
        a1 = make_case("new")
    with at(3, 10, 9):
        a = _open(manager, "Card payments failing")
        told_b, told_d = CustomerFactory(), CustomerFactory()
        incident_link_cases(incident=a, cases=[a1], by=manager)
        incident_link_customers(incident=a, customers=[told_b, told_d], by=manager)
    with at(3, 10, 12):
        assert incident_notify(incident=a, by=manager) == 3
    with at(3, 15, 10):
        b1 = make_case("new", customer=told_b)
    with at(3, 16, 10):
        c1 = make_case("new")
        incident_link_cases(incident=a, cases=[b1, c1], by=manager)
    with at(3, 20, 9):
        b = _open(manager, "Wrong bills sent")
    with at(3, 21, 10):
        incident_link_cases(incident=b, cases=[make_case("new")], by=manager)
    with at(2, 20, 9):
        old = _open(manager, "February outage")
        incident_link_cases(incident=old, cases=[make_case("new")], by=manager)
    return a, b


EXPECTED = [
    {
        "title": "Wrong bills sent",
        "opened": date(2026, 3, 20),
        "cases": 1,
        "customers": 1,
        "told": 0,
        "filed_after_told": 0,
        "filed_before_told": 1,
    },
    {
        "title": "Card payments failing",
        "opened": date(2026, 3, 10),
        "cases": 3,
        "customers": 4,
        "told": 3,
        "filed_after_told": 1,
        "filed_before_told": 2,
    },
]


def _figures(user, params=MARCH):
    flt = filter_parse(user=user, params=params, today=date(2026, 8, 1))
    return incident_figures(user=user, flt=flt)


def _without_ids(rows):
    return [
        {k: v for k, v in row.items() if k not in ("incident_id", "closed")}
        for row in rows
    ]


def test_each_incident_in_the_period_with_its_counts(manager, lead, march):
    rows = _figures(manager)
    assert _without_ids(rows) == EXPECTED
    assert [row["incident_id"] for row in rows] == [march[1].pk, march[0].pk]
    assert _figures(lead) == []  # incidents are managers' work


def test_the_query_count_does_not_grow_with_incidents(manager, march, make_case):
    with CaptureQueriesContext(connection) as few:
        _figures(manager)
    with at(3, 25, 9):
        for n in range(3):
            more = _open(manager, f"More {n}")
            incident_link_cases(incident=more, cases=[make_case("new")], by=manager)
    with CaptureQueriesContext(connection) as many:
        rows = _figures(manager)
    assert len(rows) == 5
    assert len(many) == len(few)


@pytest.mark.postgres
def test_the_api_page_and_csv_show_them(manager, march):
    client = Client()
    client.force_login(manager)
    query = "?from=2026-03-01&to=2026-03-31"
    api = client.get("/api/v1/metrics/summary/" + query)
    assert api.status_code == 200, api.content
    got = api.json()["recovery"]["incidents"]
    assert [(r["title"], r["cases"], r["told"]) for r in got] == [
        ("Wrong bills sent", 1, 0),
        ("Card payments failing", 3, 3),
    ]
    assert got[1]["filed_after_told"] == 1 and got[1]["filed_before_told"] == 2
    html = client.get("/dashboard/" + query).content.decode()
    assert "Incidents: reach and who was told first" in html
    assert f"/recovery/incidents/{march[0].pk}/" in html
    response = client.get("/dashboard/export/incidents.csv" + query)
    body = b"".join(response.streaming_content).decode().splitlines()
    assert body[0].startswith("Incident,Opened,Cases linked,Customers linked")
    assert body[2] == "Card payments failing,2026-03-10,3,4,3,1,2"
