"""Staff notifications speak each recipient's language, whoever caused them."""

from django.utils import timezone, translation

from notifications.models import Notification, Outbox
from notifications.services import notifications_create
from teams.services import staff_language_set
from tests.factories import StaffFactory


def test_each_recipient_reads_the_notification_in_their_language(make_case, team):
    case = make_case("new")
    german = StaffFactory(role="agent", teams=[team])
    german.email = "grete@example.com"
    german.save()
    english = StaffFactory(role="agent", teams=[team])
    staff_language_set(user=german, language="de")
    with translation.override("de"):  # e.g. a German colleague's request
        notifications_create(
            recipients=[german, english],
            kind="assigned",
            key=f"assigned:{case.pk}",
            context={"actor": "ada"},
            case=case,
            now=timezone.now(),
        )
    assert (
        Notification.objects.get(recipient=german).title
        == f"Ihnen zugewiesen: {case.reference}"
    )
    assert (
        Notification.objects.get(recipient=english).title
        == f"Assigned to you: {case.reference}"
    )
    mail = Outbox.objects.get(to="grete@example.com")
    assert "Fall öffnen: " in mail.body
    assert "Open the case" not in mail.body
    assert f"ada hat Ihnen {case.reference}" in mail.body
