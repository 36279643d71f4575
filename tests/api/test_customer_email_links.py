"""Changing a customer's email through the API ends the links sent to the old one."""

import re

import pytest

from complaints.models import Event
from notifications.models import Outbox
from portal import links

pytestmark = pytest.mark.django_db


def status(token):
    return f"/status/{token}/"


def survey(token):
    return f"/survey/{token}/"


def fresh_link_in(case) -> str:
    row = Outbox.objects.filter(case=case, key__contains=":link:").latest("id")
    return re.search(r"/status/([^/\s]+)/", row.body).group(1)


def assert_invalid(response):
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


def test_changing_the_customers_email_ends_every_link(
    api_as, manager, client, make_case
):
    case = make_case("following_up")
    followup = case.followups.get()
    old_status = links.status_token(case)
    old_survey = links.survey_token(followup)

    response = api_as(manager).patch(
        f"/api/v1/customers/{case.customer_id}/",
        {"email": "new-address@example.com"},
        format="json",
    )

    assert response.status_code == 200
    assert_invalid(client.get(status(old_status)))
    assert_invalid(client.get(survey(old_survey)))
    row = Outbox.objects.filter(case=case, key__contains=":link:").get()
    assert row.to == "new-address@example.com"
    assert client.get(status(fresh_link_in(case))).status_code == 200


def test_editing_the_customer_without_a_new_email_keeps_the_links(
    api_as, manager, client, make_case
):
    case = make_case("listening")
    old = links.status_token(case)

    api_as(manager).patch(
        f"/api/v1/customers/{case.customer_id}/",
        {"email": case.customer.email.upper(), "phone": "+44 20 7946 0000"},
        format="json",
    )

    assert client.get(status(old)).status_code == 200
    assert not Event.objects.filter(case=case, kind="links_revoked").exists()
