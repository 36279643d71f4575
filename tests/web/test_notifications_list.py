"""The staff notification list on the inbox: shown, opened, marked read."""

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notifications_create

pytestmark = pytest.mark.django_db


def _notify(user, case):
    notifications_create(
        recipients=[user],
        kind="sla_warning",
        key=f"test:{case.pk}",
        context={},
        case=case,
        now=timezone.now(),
        email=False,
    )
    return Notification.objects.get(recipient=user, case=case)


def test_unread_notifications_are_listed_on_the_inbox(agent_client, agent, make_case):
    case = make_case("listening")
    note = _notify(agent, case)
    html = agent_client.get("/").content.decode()
    assert "1 unread" in html and note.title in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_case(
    agent_client, agent, make_case
):
    case = make_case("listening")
    note = _notify(agent, case)
    response = agent_client.post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == f"/cases/{case.reference}/"
    note.refresh_from_db()
    assert note.is_read


def test_someone_elses_notification_is_404(agent_client, lead, make_case):
    note = _notify(lead, make_case("listening"))
    assert agent_client.post(f"/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert not note.is_read


def test_mark_all_read_empties_the_list(agent_client, agent, make_case):
    _notify(agent, make_case("listening"))
    _notify(agent, make_case("new"))
    agent_client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=agent, read_at=None).exists()
    assert "unread" not in agent_client.get("/").content.decode()
