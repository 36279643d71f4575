"""A refused panel form answers in place: the panel for htmx, else back to its anchor."""

import pytest

from complaints.models import Message, Offer

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
PITCH = "Sorry about that! Why not try our premium plan upgrade? Limited time only."


def url(case, action=""):
    return f"/cases/{case.reference}/" + (f"{action}/" if action else "")


def refusals(case):
    """(action, data, panel, text shown, text kept) for each panel's refusal."""
    return [
        (
            "offers",
            {"kind": "refund", "currency": "GBP", "description": "Kept words 71"},
            "offers",
            "A refund or credit needs an amount",
            "Kept words 71",
        ),
        (
            "messages",
            {"visibility": "customer", "body": PITCH},
            "messages",
            "This reads like a sales pitch",
            "premium plan upgrade",
        ),
        (
            "followups",
            {"due_at": "not a date", "channel": "phone", "note": "Kept note 72"},
            "followups",
            "Check what you typed below",
            "Kept note 72",
        ),
        (
            "close",
            {"version": case.version, "close_reason": "duplicate"},
            "step",
            "cannot move to Closed yet",
            "the open or closed case this one duplicates",
        ),
    ]


@pytest.fixture
def case(make_case):
    return make_case("resolving")


@pytest.fixture
def resolved(make_case):
    return make_case("resolved")


def case_for(index, case, resolved):
    return resolved if refusals(case)[index][0] == "followups" else case


@pytest.mark.parametrize("index", range(4))
def test_with_htmx_a_refusal_comes_back_as_the_panel_with_status_422(
    agent_client, case, resolved, index
):
    case = case_for(index, case, resolved)
    action, data, panel, shown, kept = refusals(case)[index]
    response = agent_client.post(url(case, action), data, **HX)
    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith(f'<section id="{panel}"')
    assert "<html" not in html
    assert shown in html and kept in html
    assert 'hx-target="this"' in html


@pytest.mark.parametrize("index", range(4))
def test_without_javascript_a_refusal_redirects_to_the_panel_keeping_the_input(
    agent_client, case, resolved, index
):
    case = case_for(index, case, resolved)
    action, data, panel, shown, kept = refusals(case)[index]
    response = agent_client.post(url(case, action), data)
    assert response.status_code == 302
    assert response["Location"] == url(case) + f"#{panel}"
    page = agent_client.get(url(case)).content.decode()
    assert shown in page and kept in page
    again = agent_client.get(url(case)).content.decode()
    assert shown not in again  # shown once, not on every later visit


def test_a_refusal_kept_for_one_case_is_not_shown_on_another(
    agent_client, case, make_case
):
    other = make_case("resolving")
    agent_client.post(url(case, "offers"), {"kind": "refund", "currency": "GBP"})
    assert "needs an amount" not in agent_client.get(url(other)).content.decode()
    assert "needs an amount" in agent_client.get(url(case)).content.decode()


def test_with_htmx_a_success_sends_the_whole_page_to_the_panel(agent_client, case):
    response = agent_client.post(
        url(case, "offers"), {"kind": "replacement", "description": "New vase"}, **HX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == url(case) + "#offers"
    assert Offer.objects.filter(case=case, description="New vase").exists()
    on_the_page = agent_client.post(
        url(case, "offers"),
        {"kind": "replacement", "description": "Another"},
        HTTP_HX_CURRENT_URL=f"http://testserver{url(case)}#offers",
        **HX,
    )
    assert on_the_page.status_code == 204
    assert on_the_page["HX-Refresh"] == "true"


def test_the_panels_post_with_htmx_into_themselves(agent_client, case):
    html = agent_client.get(url(case)).content.decode()
    for panel in ("offers", "messages", "followups", "step"):
        assert f'<section id="{panel}" class="panel" hx-target="this"' in html
    assert f'hx-post="/cases/{case.reference}/offers/"' in html


def test_send_anyway_after_the_redirect_still_sends(agent_client, case):
    agent_client.post(url(case, "messages"), {"visibility": "customer", "body": PITCH})
    agent_client.get(url(case))
    agent_client.post(
        url(case, "messages"),
        {"visibility": "customer", "body": PITCH, "send_anyway": "1"},
    )
    assert Message.objects.filter(case=case, body=PITCH, pitch_warning=True).exists()
