"""A long period's percentiles come from the rollup's histograms: each
within `histograms.ERROR` of the exact percentile (times the seconds plus one),
as the exact `Percentile` aggregate computes it over the facts.
"""

import random
from datetime import UTC, date, datetime

import pytest

from dashboards.apps import _Percentile
from dashboards.facts import facts_rebuild
from dashboards.metrics import (
    figures,
    filter_parse,
    histograms,
    metrics_summary,
    periods,
)
from dashboards.models import CaseFacts
from tests.unit.test_metrics_dataset import at

NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)


def exact(values: list[int], fraction: float) -> float:
    found = _Percentile()
    for value in values:
        found.step(value, fraction)
    return found.finalize()


def histogram(values: list[int]) -> dict[str, int]:
    row: dict[str, int] = {}
    for value in values:
        figures.add(row, {f"hr:{histograms.bucket_of(value)}": 1})
    return row


@pytest.mark.parametrize("seed", range(20))
def test_a_histogram_percentile_is_within_the_stated_error(seed):
    rng = random.Random(seed)
    values = [int(rng.lognormvariate(9, 2)) for _ in range(rng.randint(1, 400))]
    row = histogram(values)
    for fraction in (0.5, 0.9):
        want = exact(values, fraction)
        got = histograms.histogram_percentile(row, "resolution", fraction)
        assert abs(got - want) <= histograms.ERROR * (want + 1) + 1e-9


def test_small_durations_are_counted_exactly():
    values = [0, 1, 2, 3, 5, 8, 13, 21]
    row = histogram(values)
    assert histograms.histogram_percentile(row, "resolution", 0.5) == exact(values, 0.5)
    assert histograms.bucket_value(0) == 0
    assert [histograms.bucket_of(2**k - 1) for k in range(1, 30)] == [
        histograms.BUCKETS * k for k in range(1, 30)
    ]
    assert histograms.histogram_percentile({}, "resolution", 0.5) is None


@pytest.mark.django_db
def test_a_long_periods_times_agree_with_the_exact_ones_within_the_error(
    make_case, manager, monkeypatch
):
    rng = random.Random(3)
    for month in range(1, 7):
        for day in (4, 12, 26):
            with at(month, day, 10):
                make_case("resolved")
    with at(7, 1, 9):
        facts_rebuild()
    # The durations as a busy team would have them (a derived table: set
    # directly, then the rollup rolled again from it).
    for pk in CaseFacts.objects.values_list("pk", flat=True):
        seconds = int(rng.lognormvariate(10, 1.5))
        CaseFacts.objects.filter(pk=pk).update(
            first_response_seconds=seconds, resolution_seconds=seconds * 3
        )
    with at(7, 1, 9, 1):
        facts_rebuild_months()
    flt = filter_parse(user=manager, params={"from": "2026-01-01", "to": "2026-06-30"})
    assert periods.split(flt, NOW)[0] == [date(2026, m, 1) for m in range(1, 7)]
    rolled = metrics_summary(user=manager, flt=flt, now=NOW)["times"]
    monkeypatch.setattr(figures, "LONG", 10**6)  # the facts alone
    direct = metrics_summary(user=manager, flt=flt, now=NOW)["times"]
    for clock, times in direct.items():
        assert rolled[clock]["cases"] == times["cases"] == 18
        for key in ("median_hours", "p90_hours"):
            error = histograms.ERROR * (times[key] + 1 / 3600) + 0.01  # and rounding
            assert abs(rolled[clock][key] - times[key]) <= error


def facts_rebuild_months() -> None:
    from django.utils import timezone

    from dashboards.months import rollup_roll

    rollup_roll(now=timezone.now(), everything=True)
