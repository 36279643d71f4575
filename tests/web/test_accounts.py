"""The account routes: login, logout and password change; no password reset.

Password reset by email is not part of the product (staff accounts are made
by an administrator), so its unthrottled form must not be reachable.
"""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ],
)
def test_the_password_reset_routes_do_not_exist(path):
    client = Client()
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "agent@example.com"}).status_code == 404


def test_the_login_page_answers():
    assert Client().get("/accounts/login/").status_code == 200


def test_logging_out_ends_the_session(agent):
    client = Client()
    client.force_login(agent)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_changing_the_password_needs_a_login():
    response = Client().get("/accounts/password_change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_logged_in_user_changes_their_password(agent):
    client = Client()
    client.force_login(agent)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    agent.refresh_from_db()
    assert agent.check_password("a-new-and-long-passphrase")
