"""The case page's sidebar edits in place: priority, category (case_update) and
team (routing), answering with the refreshed "Case" panel under htmx."""

import pytest

from complaints.models import Category, EventKind

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def category(db):
    return Category.objects.create(name="Delivery", slug="delivery")


def _details(client, case, **data):
    return client.post(
        f"/cases/{case.reference}/details/", {"version": case.version, **data}, **HX
    )


def test_the_case_page_offers_the_in_place_edits(agent_client, make_case):
    case = make_case("listening")
    html = agent_client.get(case.get_absolute_url()).content.decode()
    assert 'id="case-facts"' in html
    assert f'hx-post="/cases/{case.reference}/details/"' in html
    assert 'id="facts-priority"' in html and 'id="facts-category"' in html
    assert "/static/case_facts.js" in html


def test_changing_the_priority_answers_with_the_panel_and_records_an_event(
    agent_client, make_case
):
    case = make_case("listening")
    response = _details(agent_client, case, field="priority", priority="urgent")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="case-facts"')
    assert '<option value="urgent" selected>' in html
    assert f'data-version-before="{case.version}"' in html
    assert f'data-version="{case.version + 1}"' in html
    case.refresh_from_db()
    assert case.priority == "urgent"
    event = case.events.get(kind=EventKind.CASE_EDITED)
    assert event.before == {"priority": "normal"}
    assert event.after == {"priority": "urgent"}


def test_changing_and_clearing_the_category(agent_client, make_case, category):
    case = make_case("listening")
    _details(agent_client, case, field="category", category=category.pk)
    case.refresh_from_db()
    assert case.category == category
    _details(agent_client, case, field="category", category="")
    case.refresh_from_db()
    assert case.category is None
    assert case.events.filter(kind=EventKind.CASE_EDITED).count() == 2


def test_a_stale_edit_is_refused_inside_the_panel(agent_client, make_case):
    case = make_case("listening")
    stale = case.version
    _details(agent_client, case, field="priority", priority="high")
    response = agent_client.post(
        f"/cases/{case.reference}/details/",
        {"version": stale, "field": "priority", "priority": "low"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "Someone else changed this case first" in html
    assert "data-version-before" not in html
    case.refresh_from_db()
    assert case.priority == "high"


def test_without_htmx_the_edit_redirects_back_to_the_case(agent_client, make_case):
    case = make_case("listening")
    response = agent_client.post(
        f"/cases/{case.reference}/details/",
        {"version": case.version, "field": "priority", "priority": "low"},
    )
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.priority == "low"


def test_a_manager_routes_from_the_sidebar_in_place(
    manager_client, make_case, other_team
):
    case = make_case("new")
    response = manager_client.post(
        f"/cases/{case.reference}/route/",
        {"version": case.version, "team": other_team.pk, "from": "sidebar"},
        **HX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="panel" id="case-facts"')
    assert "<dd>Billing</dd>" in html
    case.refresh_from_db()
    assert case.team == other_team


def test_a_lead_routing_a_case_away_is_sent_to_the_inbox(
    lead_client, make_case, other_team
):
    case = make_case("new")
    response = lead_client.post(
        f"/cases/{case.reference}/route/",
        {"version": case.version, "team": other_team.pk, "from": "sidebar"},
        **HX,
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/"


def test_an_agent_may_not_route_from_the_sidebar(agent_client, make_case, other_team):
    case = make_case("new")
    html = agent_client.get(case.get_absolute_url()).content.decode()
    assert 'id="route-team"' not in html
    response = agent_client.post(
        f"/cases/{case.reference}/route/",
        {"version": case.version, "team": other_team.pk, "from": "sidebar"},
        **HX,
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.team != other_team


def test_someone_who_may_not_see_the_case_gets_404(other_client, make_case):
    case = make_case("listening")
    response = _details(other_client, case, field="priority", priority="low")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.priority == "normal"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"field": "stage", "priority": "low"},
        {"field": "priority", "priority": "apocalyptic"},
        {"field": "priority"},
        {"field": "category", "category": "424242"},
        {"field": "category", "category": "abc"},
        {"field": "category", "category": "99999999999999999999"},
        {"field": "priority", "priority": "low", "version": "x"},
    ],
)
def test_garbage_is_answered_in_the_panel_never_a_500(agent_client, make_case, data):
    case = make_case("listening")
    response = agent_client.post(
        f"/cases/{case.reference}/details/", {"version": case.version, **data}, **HX
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    case.refresh_from_db()
    assert (case.priority, case.category_id) == ("normal", None)
