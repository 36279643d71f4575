"""The cached summary and the stored durations agree with what they stand for."""

import pytest

from dashboards.metrics import filter_parse, metrics_summary, metrics_summary_cached
from dashboards.models import CaseDurations
from dashboards.services import durations_refresh, durations_stale

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_cached_summary_changes_as_soon_as_a_case_changes(make_case, manager):
    flt = filter_parse(user=manager, params={})
    make_case("new")
    assert metrics_summary_cached(user=manager, flt=flt)["opened"] == 1
    assert metrics_summary_cached(user=manager, flt=flt)["opened"] == 1  # a hit
    make_case("listening")
    cached = metrics_summary_cached(user=manager, flt=flt)
    assert cached["opened"] == 2
    assert cached["filter"] is flt
    fresh = metrics_summary(user=manager, flt=flt, now=None)
    assert fresh["by_stage"] == cached["by_stage"]


def test_with_no_cases_every_figure_is_zero_or_empty(manager):
    summary = metrics_summary(user=manager, flt=filter_parse(user=manager, params={}))
    assert (summary["opened"], summary["closed"], summary["open_now"]) == (0, 0, 0)
    assert summary["sla"]["first_response"]["compliance"] is None
    assert summary["times"]["resolution"]["median_hours"] is None
    assert summary["satisfaction"]["average"] is None
    assert summary["offers"] == {"by_kind": [], "approvals_pending": 0}
    assert summary["categories"] == [] and summary["agents"] == []
    assert all(row["backlog"] == 0 for row in summary["series"])


def test_stored_durations_are_repaired_when_missing_or_stale(make_case):
    case = make_case("acknowledged")
    CaseDurations.objects.all().delete()
    assert list(durations_stale()) == [case]
    assert durations_refresh() == 1
    stored = CaseDurations.objects.get(case=case)
    assert stored.first_response_at == case.first_response_at
    assert stored.first_response_seconds is not None
    assert durations_refresh() == 0
    CaseDurations.objects.filter(case=case).update(first_response_at=None)
    assert durations_refresh() == 1


def test_one_case_walked_to_closed_counts_once_everywhere(make_case, manager):
    make_case("closed")
    summary = metrics_summary(user=manager, flt=filter_parse(user=manager, params={}))
    assert (summary["opened"], summary["closed"], summary["open_now"]) == (1, 1, 0)
    assert [row["cases"] for row in summary["funnel"]] == [1] * 7
    assert summary["satisfaction"]["average"] == 5.0
    assert summary["followups"]["done"] == 0  # due tomorrow, done early: not due yet
    (replacement,) = summary["offers"]["by_kind"]
    assert (replacement["kind"], replacement["acceptance_rate"]) == ("replacement", 1.0)
    assert summary["series"][-1]["backlog"] == 0


def test_the_number_of_queries_does_not_grow_with_the_data(make_case, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    flt = filter_parse(user=manager, params={"period": "all"})

    def queries() -> int:
        metrics_summary(user=manager, flt=flt)  # refreshes durations first
        with CaptureQueriesContext(connection) as captured:
            metrics_summary(user=manager, flt=flt)
        return len(captured)

    make_case("closed")
    few = queries()
    for stage in ("new", "listening", "acknowledged", "resolved", "closed"):
        make_case(stage)
    assert queries() == few
