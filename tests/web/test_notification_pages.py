"""The header bell, the notifications history page and the email preferences page."""

import pytest
from django.test import Client

from complaints.services import case_assign
from notifications.models import EmailPreference, Notification
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assigned(make_case, agent, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case("new", subject="Lost <b>parcel</b>")
        case_assign(case=case, assignee=agent, by=lead)
    return case


def test_every_page_has_a_bell_polling_the_unread_count(agent, assigned):
    page = login(agent).get("/").content.decode()
    assert 'href="/notifications/"' in page
    # static/live.js polls it (or the page's own poll carries it).
    assert 'data-bell-url="/notifications/bell/"' in page and "live.js" in page


def test_the_bell_counts_unread_and_answers_304_while_unchanged(agent, lead, assigned):
    client = login(agent)
    first = client.get("/notifications/bell/")
    assert first.status_code == 200 and ">1<" in first.content.decode()
    etag = first["ETag"]
    again = client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    Notification.objects.filter(recipient=agent).update(read_at="2026-01-01T00:00Z")
    changed = client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "count" not in changed.content.decode()
    assert login(lead).get("/notifications/bell/").content.decode().strip() == ""


def test_the_bell_needs_a_login(client):
    assert client.get("/notifications/bell/").status_code == 302


def test_the_history_lists_only_my_notifications_escaped_and_opens_them(
    agent, lead, assigned
):
    page = login(agent).get("/notifications/")
    body = page.content.decode()
    assert assigned.reference in body and "<b>parcel" not in body
    assert login(lead).get("/notifications/").content.decode().count("row-form") == 0
    note = Notification.objects.get(recipient=agent)
    assert login(lead).post(f"/notifications/{note.pk}/open/").status_code == 404
    opened = login(agent).post(f"/notifications/{note.pk}/open/")
    assert opened["Location"] == f"/cases/{assigned.reference}/"
    note.refresh_from_db()
    assert note.is_read


def test_marking_all_read_from_the_history_returns_to_it(agent, assigned):
    response = login(agent).post("/notifications/read/", {"next": "list"})
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True)


def test_the_email_preferences_page_saves_the_kinds_chosen(agent):
    client = login(agent)
    page = client.get("/notifications/email/").content.decode()
    assert page.count('type="checkbox"') >= 9 and "checked" in page
    response = client.post(
        "/notifications/email/", {"kinds": ["assigned", "approval_requested"]}
    )
    assert response.status_code == 302
    assert EmailPreference.objects.get(user=agent).kinds == [
        "approval_requested",
        "assigned",
    ]
    bad = client.post("/notifications/email/", {"kinds": ["<script>"]})
    assert bad.status_code == 200
    assert EmailPreference.objects.get(user=agent).kinds == [
        "approval_requested",
        "assigned",
    ]
    StaffFactory(role="agent")
    assert EmailPreference.objects.count() == 1
