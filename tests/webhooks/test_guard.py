"""The SSRF guard: only public http(s) destinations, checked again at connect time.

With DEBUG off and WEBHOOK_ALLOW_PRIVATE off, a host resolving to a private
address is refused when subscribing and, if its DNS answer changes later
(DNS rebinding), when connecting — the receiver on 127.0.0.1 never hears it.
"""

import socket

import pytest

from complaints.actors import Actor
from tests.webhooks.conftest import only_delivery
from webhooks import guard
from webhooks.delivery import delivery_attempt
from webhooks.services import WebhookRefused, subscription_create

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


@pytest.fixture
def strict(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = False


@pytest.fixture
def dns(monkeypatch):
    """Answer for `hooks.example.test` from a table the test may change."""
    answers = {"hooks.example.test": PUBLIC}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_non_public_addresses_are_not_public(address):
    assert not guard.is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", PUBLIC, "2001:4860:4860::8888"])
def test_public_addresses_are_public(address):
    assert guard.is_public(address)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "http:///no-host",
        "http://example.com:99999/",
        "not a url",
    ],
)
def test_only_http_urls_with_a_host_are_accepted_even_in_debug(settings, url):
    settings.DEBUG = True
    with pytest.raises(guard.UnsafeDestination):
        guard.url_check(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/hook",
        "http://127.0.0.1/hook",
        "https://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
    ],
)
def test_private_destinations_are_refused_when_subscribing(strict, make_client, url):
    with pytest.raises(WebhookRefused) as refused:
        subscription_create(
            client=make_client(),
            url=url,
            events=["case.created"],
            by=Actor.system("tests"),
        )
    assert refused.value.field == "url"


def test_private_destinations_are_allowed_by_the_setting(settings, make_client):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = True
    subscription, _ = subscription_create(
        client=make_client(),
        url="http://localhost:8000/hook",
        events=["case.created"],
        by=Actor.system("tests"),
    )
    assert subscription.pk


def test_a_name_that_does_not_resolve_is_refused(strict, make_client):
    with pytest.raises(WebhookRefused, match="does not resolve"):
        subscription_create(
            client=make_client(),
            url="https://nothing.invalid/hook",
            events=["case.created"],
            by=Actor.system("tests"),
        )


def _rebind(dns, receivers, make_client, file_case, queued):
    """Subscribe while the name is public, then point it at the local receiver."""
    receiver = receivers()
    subscription, _ = subscription_create(
        client=make_client(),
        url=receiver.url_for("hooks.example.test"),
        events=["case.created"],
        by=Actor.system("tests"),
    )
    dns["hooks.example.test"] = "127.0.0.1"
    file_case(subscription.client)
    return receiver, only_delivery(subscription)


def test_a_name_rebound_to_loopback_is_refused_at_connect_time(
    strict, dns, receivers, make_client, file_case, queued
):
    receiver, delivery = _rebind(dns, receivers, make_client, file_case, queued)

    assert delivery_attempt(delivery_id=delivery.pk) == "retry"
    [logged] = delivery.attempt_log.all()
    assert logged.error.startswith("refused: hooks.example.test resolves to 127.0.0.1")
    assert receiver.received == []


def test_the_rebound_name_reaches_the_receiver_when_private_is_allowed(
    strict, settings, dns, receivers, make_client, file_case, queued
):
    # The control for the test above: the same route delivers when allowed.
    receiver, delivery = _rebind(dns, receivers, make_client, file_case, queued)
    settings.WEBHOOK_ALLOW_PRIVATE = True

    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["Host"].startswith("hooks.example.test:")


def test_redirects_are_not_followed(receivers, make_client, file_case, queued):
    receiver = receivers(default=(302, 0))
    subscription, _ = subscription_create(
        client=make_client(),
        url=receiver.url,
        events=["case.created"],
        by=Actor.system("tests"),
    )
    file_case(subscription.client)
    assert delivery_attempt(delivery_id=only_delivery(subscription).pk) == "retry"
    assert len(receiver.received) == 1
