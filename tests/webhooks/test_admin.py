"""Admin: managers send failed deliveries again and resume paused webhooks."""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import StaffFactory
from tests.webhooks.conftest import only_delivery
from webhooks.models import DeliveryStatus, SubscriptionStatus, WebhookSubscription

pytestmark = pytest.mark.django_db

DELIVERIES = "/admin/webhooks/webhookdelivery/"


@pytest.fixture
def failed_and_delivered(make_client, subscribe, file_case, queued):
    client = make_client()
    failing, _ = subscribe(client, "http://hooks.example.test/a")
    fine, _ = subscribe(client, "http://hooks.example.test/b")
    file_case(client)
    failed, delivered = only_delivery(failing), only_delivery(fine)
    failed.status, failed.attempts = DeliveryStatus.FAILED, 8
    failed.save()
    delivered.status = DeliveryStatus.DELIVERED
    delivered.save()
    return failed, delivered


def test_a_manager_sends_failed_deliveries_again_but_never_delivered_ones(
    admin_client, failed_and_delivered
):
    failed, delivered = failed_and_delivered
    page = admin_client.get(DELIVERIES)
    assert b"send_again" in page.content
    response = admin_client.post(
        DELIVERIES,
        {"action": "send_again", "_selected_action": [failed.pk, delivered.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db(), delivered.refresh_from_db()
    assert (failed.status, failed.backoff_from) == (DeliveryStatus.PENDING, 8)
    assert delivered.status == DeliveryStatus.DELIVERED


def test_staff_who_are_not_managers_have_no_send_again(client, failed_and_delivered):
    lead = StaffFactory(role="team_lead")
    lead.is_staff = True
    lead.save()
    lead.user_permissions.add(Permission.objects.get(codename="view_webhookdelivery"))
    client.force_login(lead)
    failed, _ = failed_and_delivered

    page = client.get(DELIVERIES)
    assert page.status_code == 200 and b"send_again" not in page.content
    client.post(DELIVERIES, {"action": "send_again", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED


def test_a_manager_resumes_a_paused_webhook(admin_client, failed_and_delivered):
    failed, _ = failed_and_delivered
    WebhookSubscription.objects.filter(pk=failed.subscription_id).update(
        status=SubscriptionStatus.PAUSED
    )
    response = admin_client.post(
        "/admin/webhooks/webhooksubscription/",
        {"action": "resume", "_selected_action": [failed.subscription_id]},
    )
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get(pk=failed.subscription_id)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert (
        b"whsec_"
        not in admin_client.get(
            f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/"
        ).content
    )
