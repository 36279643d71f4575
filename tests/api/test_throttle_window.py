"""The throttles' sliding window: what a request costs and how the rate carries over.

A bucket is two counters (this window's and the last one's), never a list of
every request's time: DRF's own throttle rewrote such a list, of up to the
whole rate's length, on every request.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from api.throttling import _wait, parse_rate, window_counts

pytestmark = pytest.mark.django_db

START = datetime(2031, 5, 4, 12, 0, tzinfo=UTC)  # a whole minute: window start


@pytest.fixture
def rates(settings):
    def set_rate(client):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"client": client, "anon": "1000/min"},
        }

    return set_rate


def pings(client, n: int) -> list[int]:
    return [client.get("/api/v1/ping/").status_code for _ in range(n)]


def test_the_last_windows_requests_count_for_the_part_still_overlapping(rates, api_as):
    rates("4/min")
    client = api_as(scopes=["complaints:read"])
    with time_machine.travel(START.replace(second=50), tick=False):
        assert pings(client, 4) == [200] * 4
    # 15 s into the next minute, 3/4 of the last one still overlaps: 4 × ¾ = 3.
    with time_machine.travel(START.replace(minute=1, second=15), tick=False):
        assert pings(client, 2) == [200, 429]
    # 50 s in, 1/6 overlaps: the 4 before weigh under one; the two of this
    # window (the refused one counts too) leave room for one more.
    with time_machine.travel(START.replace(minute=1, second=50), tick=False):
        assert pings(client, 2) == [200, 429]


def test_a_refusal_says_when_the_rate_allows_again(rates, api_as):
    rates("2/min")
    client = api_as(scopes=["complaints:read"])
    with time_machine.travel(START.replace(second=40), tick=False):
        pings(client, 2)
        refused = client.get("/api/v1/ping/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"  # this window's end


def test_a_bucket_holds_two_numbers_however_many_requests(rates, api_as):
    rates("1000/min")
    client = api_as(scopes=["complaints:read"])
    with time_machine.travel(START.replace(second=5), tick=False):
        assert set(pings(client, 30)) == {200}
        count, previous = window_counts("probe", 31, 60)
    assert (count, previous) == (1, 0)
    assert cache.get("probe:31") == 1  # a counter, not a list of times


@pytest.mark.parametrize(
    ("allowed", "current", "previous", "into", "seconds"),
    [
        (4, 5, 9, 10.0, 50),  # this window alone is over the rate: its end
        (4, 2, 0, 10.0, 50),  # nothing before to wait out: its end
        (4, 2, 6, 20.0, 20),  # 6 × (1 − t/60) + 2 ≤ 4 from t = 40 s: 20 s on
        (4, 3, 4, 59.5, 1),  # never less than a second
    ],
)
def test_the_wait_until_the_estimate_falls_back_under_the_rate(
    allowed, current, previous, into, seconds
):
    assert _wait(allowed, current, previous, into, 60) == seconds


def test_rates_read_as_drf_writes_them():
    assert parse_rate("6000/min") == (6000, 60)
    assert parse_rate("3/s") == (3, 1)
    assert parse_rate("100/hour") == (100, 3600)
    assert parse_rate("10/day") == (10, 86400)
