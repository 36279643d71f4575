"""Throttles: per API key, per address when anonymous, X-Forwarded-For untrusted."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(client="1000/min", anon="1000/min", proxies=0):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"client": client, "anon": anon},
            "NUM_PROXIES": proxies,
        }

    return set_rates


def test_a_client_over_its_rate_gets_429_with_retry_after(rates, key_for, api_as):
    rates(client="3/min")
    client = api_as(scopes=["complaints:read"])
    statuses = [client.get("/api/v1/ping/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/ping/")
    assert int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"
    other = api_as(scopes=["complaints:read"])
    assert other.get("/api/v1/ping/").status_code == 200  # its own bucket


def test_a_forged_forwarded_for_does_not_escape_the_anonymous_limit(rates, anon):
    rates(anon="3/min")
    statuses = [
        anon.get("/api/v1/complaints/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]


def test_wrong_key_guesses_count_against_the_anonymous_limit(rates, anon):
    rates(anon="2/min")
    anon.credentials(HTTP_AUTHORIZATION="Token guess.guess")
    statuses = [anon.get("/api/v1/ping/").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_with_a_trusted_proxy_configured_the_forwarded_address_counts(rates, anon):
    rates(anon="1/min", proxies=1)
    first = anon.get("/api/v1/ping/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = anon.get("/api/v1/ping/", HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = anon.get("/api/v1/ping/", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert (first.status_code, second.status_code, again.status_code) == (
        401,
        401,
        429,
    )
