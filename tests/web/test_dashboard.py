"""The /dashboard/ page and its CSV exports: access, filters, drill-down, CSV."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from dashboards.facts import facts_refresh
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def cases(make_case, other_team):
    other_agent = StaffFactory(role="agent", teams=[other_team])
    made = {
        "ours_new": make_case("new", subject="Ours, new"),
        "ours_closed": make_case("closed", subject="=HYPERLINK(1)", priority="high"),
        "theirs": make_case("listening", team=other_team, by=other_agent),
    }
    facts_refresh()  # as beat does every minute (views never write)
    return made


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_agents_get_403_on_the_page_and_the_exports(agent):
    client = client_for(agent)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/export/cases.csv").status_code == 403
    assert client.get("/dashboard/export/agents.csv").status_code == 403


def test_a_lead_sees_only_their_teams(lead, cases, other_team):
    client = client_for(lead)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    summary = response.context["s"]
    assert summary["opened"] == 2
    assert other_team.name not in [t.name for t in response.context["teams"]]
    refused = client.get("/dashboard/", {"team": other_team.slug})
    assert refused.status_code == 400
    assert b"Unknown team" in refused.content


def test_a_manager_sees_every_team_and_can_narrow_to_one(manager, cases, team):
    client = client_for(manager)
    assert client.get("/dashboard/").context["s"]["opened"] == 3
    narrowed = client.get("/dashboard/", {"team": team.slug, "period": "7d"})
    assert narrowed.context["s"]["opened"] == 2
    assert narrowed.context["query"] == {"period": "7d", "team": team.slug}


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"from": "2026-05-02", "to": "2026-05-01"},
        {"period": "fortnight"},
        {"priority": "whenever"},
        {"channel": "pigeon"},
        {"category": "nope"},
        {"from": "0001-01-01"},
    ],
)
def test_bad_filter_values_are_a_400_page_not_an_error(manager, params):
    response = client_for(manager).get("/dashboard/", params)
    assert response.status_code == 400
    assert b"Check the filter" in response.content


def test_the_page_shows_figures_definitions_charts_and_drill_down_links(
    manager, cases, team
):
    response = client_for(manager).get("/dashboard/", {"team": team.slug})
    html = response.content.decode()
    assert "Cases filed in the period." in html  # a definition
    assert 'id="chart-volume"' in html and "dashboard-charts" in html
    assert f"/?queue=all&amp;team={team.slug}&amp;stage=new" in html
    assert f"/dashboard/export/agents.csv?period=30d&amp;team={team.slug}" in html
    assert "=HYPERLINK" not in html


def test_in_german_the_tables_their_labels_and_definitions_are_german(manager, cases):
    client = client_for(manager)
    german = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
    response = client.get("/dashboard/", {"period": "90d"}, **german)
    html = response.content.decode()
    assert ">Phasentrichter</h2>" in html  # the "Stage funnel" table's title
    assert ">Kumulierter Anteil</th>" in html  # the "Cumulative share" column
    assert "Im Zeitraum eingereichte Fälle." in html  # a definition
    assert "Erstes Angebot angenommen" in html  # a row label
    for english in ("Stage funnel", "Cumulative share", "Cases filed in the period."):
        assert english not in html
    volume = next(c for c in response.context["charts"] if c["id"] == "volume")
    assert volume["datasets"][2]["label"] == "Rückstand am Ende"  # the chart too
    rows = rows_of(client.get("/dashboard/export/funnel.csv", **german))
    assert list(rows[0]) == ["Phase", "Fälle", "Anteil"]
    refused = client_for(StaffFactory(role="agent")).get("/dashboard/", **german)
    assert (
        "Das Dashboard ist für Teamleitungen und Manager." in refused.content.decode()
    )


def test_the_case_export_streams_exactly_the_filtered_cases(manager, cases, team):
    client = client_for(manager)
    response = client.get(
        "/dashboard/export/cases.csv", {"team": team.slug, "priority": "high"}
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert [row["reference"] for row in rows] == [cases["ours_closed"].reference]
    assert rows[0]["subject"] == "'=HYPERLINK(1)"  # not run as a formula
    assert rows[0]["stage"] == "closed" and rows[0]["team"] == team.slug
    everything = rows_of(client.get("/dashboard/export/cases.csv"))
    assert len(everything) == 3


def test_a_lead_cannot_export_another_teams_cases(lead, cases):
    rows = rows_of(client_for(lead).get("/dashboard/export/cases.csv"))
    assert cases["theirs"].reference not in {row["reference"] for row in rows}
    assert len(rows) == 2


def test_each_table_exports_as_csv_with_its_header(manager, cases):
    client = client_for(manager)
    response = client.get("/dashboard/export/funnel.csv")
    rows = rows_of(response)
    assert list(rows[0]) == ["Stage", "Cases", "Share"]
    assert [row["Cases"] for row in rows][:2] == ["3", "2"]  # new, listening
    stages = rows_of(client.get("/dashboard/export/stages.csv"))
    assert {row["Stage"]: row["Open now"] for row in stages}["New"] == "1"
    assert client.get("/dashboard/export/nothing.csv").status_code == 404


def test_the_page_dates_the_period_figures_by_the_last_refresh(manager, cases):
    from dashboards.facts import facts_as_of

    html = client_for(manager).get("/dashboard/", {"period": "90d"}).content.decode()
    shown = timezone.localtime(facts_as_of()).strftime("%Y-%m-%d %H:%M")
    assert 'id="as-of"' in html and f"Period figures as of {shown}" in html


def test_before_any_refresh_the_page_says_so_and_counts_nothing_yet(manager, make_case):
    make_case("new")
    response = client_for(manager).get("/dashboard/")
    assert response.context["s"]["opened"] == 0  # not refreshed: no facts yet
    assert response.context["s"]["open_now"] == 1  # figures about now are live
    assert b"have not been computed yet" in response.content


def test_a_page_view_never_writes(manager, cases, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case("acknowledged")  # a change the facts have not seen yet
    client = client_for(manager)
    with CaptureQueriesContext(connection) as captured:
        client.get("/dashboard/", {"period": "all"})
        client.get("/api/v1/metrics/summary/", {"period": "all"})
        client.get("/dashboard/export/agents.csv")
    statements = [q["sql"].upper() for q in captured]
    assert len(statements) > 10
    writes = [
        sql
        for sql in statements
        if sql.split()[0] in ("INSERT", "UPDATE", "DELETE", "SET", "LOCK")
        or "FOR UPDATE" in sql
        or "ADVISORY" in sql
    ]
    assert writes == []
