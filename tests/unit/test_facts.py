"""The dashboard facts: one row per case, refreshed whole from the changed cases.

The demo data (forty scripted cases in every stage, with offers, follow-ups,
escalations and skips) is the dataset: facts refreshed incrementally after
changes made through the services must equal facts rebuilt from scratch, and
the figures read from them must agree with the cases themselves.
"""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.lifecycle.stages import transition
from complaints.models import Case, Category, Event, Priority, Stage
from complaints.services import case_escalate, case_set_awaiting_customer, case_update
from dashboards.apps import _Percentile
from dashboards.changes import MARGIN
from dashboards.facts import MAX_SPAN, facts_rebuild, facts_refresh
from dashboards.metrics import filter_parse, metrics_summary
from dashboards.models import CaseFacts
from followups.models import FollowUp, FollowUpStatus
from followups.services import followup_complete
from sla.models import Deadline

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
PERIODS = [{"period": p} for p in ("7d", "30d", "90d", "quarter", "all")] + [
    {"from": "2020-01-15", "to": "2030-01-01"}
]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    return get_user_model().objects.get(username="manager")


def snapshot() -> list[tuple]:
    names = [f.attname for f in CaseFacts._meta.concrete_fields]
    return list(CaseFacts.objects.order_by("pk").values_list(*names))


def summaries(user) -> list[dict]:
    found = []
    for params in PERIODS:
        summary = metrics_summary(user=user, flt=filter_parse(user=user, params=params))
        found.append({k: v for k, v in summary.items() if k != "as_of"})
    return found


def change_through_the_services(manager) -> list[Case]:
    closed = Case.objects.filter(stage=Stage.CLOSED, reopen_count=0).first()
    transition(closed, Stage.LISTENING, by=manager, reason="Customer came back.")
    moving = Case.objects.filter(stage=Stage.ACKNOWLEDGED).first()
    other = Category.objects.exclude(pk=moving.category_id).first()
    case_update(case=moving, by=manager, category=other, priority=Priority.URGENT)
    escalated = Case.objects.filter(stage=Stage.RESOLVING, escalation_level=0).first()
    case_escalate(case=escalated, level=2, by=manager)
    waiting = Case.objects.filter(stage=Stage.LISTENING).last()
    case_set_awaiting_customer(case=waiting, awaiting=True, by=manager)
    followup = FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).first()
    followup_complete(followup=followup, outcome="unsatisfied", csat=2, by=manager)
    return [closed, moving, escalated, waiting, followup.case]


def test_refreshed_facts_equal_facts_rebuilt_from_scratch(demo):
    assert facts_refresh() == Case.objects.count()  # no mark yet: every case
    changed = change_through_the_services(demo)
    assert facts_refresh() >= len({c.pk for c in changed})
    incremental, figures = snapshot(), summaries(demo)
    CaseFacts.objects.all().delete()
    assert facts_rebuild() == Case.objects.count()
    assert snapshot() == incremental
    assert summaries(demo) == figures


def test_the_figures_agree_with_the_cases(demo):
    facts_refresh()
    change_through_the_services(demo)
    facts_refresh()
    for params in PERIODS:
        flt = filter_parse(user=demo, params=params)
        summary = metrics_summary(user=demo, flt=flt)
        period = {"created_at__gte": flt.lower, "created_at__lt": flt.upper}
        closed = {"closed_at__gte": flt.lower, "closed_at__lt": flt.upper}
        assert summary["opened"] == Case.objects.filter(**period).count()
        assert summary["closed"] == Case.objects.filter(**closed).count()
        reached = summary["funnel"][-1]["cases"]
        assert reached == Case.objects.filter(stage=Stage.CLOSED, **period).count()
        escalated = sum(row["escalations"] for row in summary["escalations"])
        events = Event.objects.filter(kind="escalated", **period)
        assert escalated == events.count()


def test_a_changed_case_is_refreshed_and_moves_with_its_category(demo):
    # The demo's last steps run minutes before now: a refresh re-reads events
    # that recent (the change feed's margin), so this test starts later.
    with time_machine.travel(timezone.now() + MARGIN + timedelta(minutes=1)):
        _refreshed_and_moved(demo)


def _refreshed_and_moved(demo) -> None:
    facts_refresh()
    case = Case.objects.filter(
        stage=Stage.ACKNOWLEDGED, first_response_at__isnull=False
    ).first()
    target = Category.objects.exclude(pk=case.category_id).order_by("pk").first()

    def timed(category) -> int:
        flt = filter_parse(
            user=demo, params={"period": "all", "category": category.slug}
        )
        return metrics_summary(user=demo, flt=flt)["times"]["first_response"]["cases"]

    before = timed(target)
    case_update(case=case, by=demo, category=target)
    assert timed(target) == before  # a view reads the facts as last refreshed
    assert facts_refresh() == 1
    assert timed(target) == before + 1
    row = CaseFacts.objects.get(case=case)
    assert (row.category_id, row.team_id) == (target.pk, case.team_id)
    assert facts_refresh() == 0  # nothing new


def test_deadlines_missed_as_time_passes_count_without_a_refresh(demo):
    facts_refresh()
    running = Deadline.objects.filter(
        met_at__isnull=True, paused_at__isnull=True, cancelled_at__isnull=True
    )
    assert running.exists()
    flt = filter_parse(user=demo, params={"from": "2020-01-01", "to": "2030-01-01"})
    now = timezone.now()
    later = max(running.values_list("due_at", flat=True)) + timedelta(minutes=1)
    missed_now = metrics_summary(user=demo, flt=flt, now=now)["sla"]
    missed_later = metrics_summary(user=demo, flt=flt, now=later)["sla"]
    grew = sum(missed_later[k]["missed"] - missed_now[k]["missed"] for k in missed_now)
    assert grew == running.filter(due_at__gte=now).count()


def test_dates_up_to_year_9999_neither_crash_the_refresh_nor_the_page(
    make_case, manager
):
    from django.test import Client

    case = make_case("acknowledged")
    far = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    Case.objects.filter(pk=case.pk).update(resolved_at=far, first_response_at=far)
    facts_rebuild()
    row = CaseFacts.objects.get(case=case)
    assert 0 < row.first_response_seconds <= MAX_SPAN.total_seconds()
    assert row.resolution_seconds == row.first_response_seconds  # no clock here
    client = Client()
    client.force_login(manager)
    assert client.get("/dashboard/", {"period": "all"}).status_code == 200
    # A period reaching past 2200 is refused by the bounds, cleanly.
    assert client.get("/dashboard/", {"to": "9998-12-31"}).status_code == 400


def test_the_command_refreshes_the_changed_cases_or_rebuilds_every_one(make_case):
    make_case("closed")
    out = StringIO()
    call_command("refresh_dashboard", stdout=out)
    assert "refreshed the facts of 1 cases" in out.getvalue()
    CaseFacts.objects.all().delete()
    call_command("refresh_dashboard", stdout=out)
    assert not CaseFacts.objects.exists()  # nothing changed since the mark
    call_command("refresh_dashboard", "--all", stdout=out)
    assert CaseFacts.objects.count() == 1


def test_with_no_cases_every_figure_is_zero_or_empty(manager):
    facts_refresh()
    summary = metrics_summary(user=manager, flt=filter_parse(user=manager, params={}))
    assert (summary["opened"], summary["closed"], summary["open_now"]) == (0, 0, 0)
    assert summary["sla"]["first_response"]["compliance"] is None
    assert summary["times"]["resolution"]["median_hours"] is None
    assert summary["satisfaction"]["average"] is None
    assert summary["offers"] == {"by_kind": [], "approvals_pending": 0}
    assert summary["categories"] == [] and summary["agents"] == []
    assert all(row["backlog"] == 0 for row in summary["series"])


def test_one_case_walked_to_closed_counts_once_everywhere(make_case, manager):
    make_case("closed")
    facts_refresh()
    summary = metrics_summary(user=manager, flt=filter_parse(user=manager, params={}))
    assert (summary["opened"], summary["closed"], summary["open_now"]) == (1, 1, 0)
    assert [row["cases"] for row in summary["funnel"]] == [1] * 7
    assert summary["satisfaction"]["average"] == 5.0
    assert summary["followups"]["done"] == 0  # due tomorrow, done early: not due yet
    (replacement,) = summary["offers"]["by_kind"]
    assert (replacement["kind"], replacement["acceptance_rate"]) == ("replacement", 1.0)
    assert summary["series"][-1]["backlog"] == 0


def test_the_number_of_queries_does_not_grow_with_the_data(make_case, manager):
    flt = filter_parse(user=manager, params={"period": "all"})

    def queries() -> int:
        facts_refresh()
        with CaptureQueriesContext(connection) as captured:
            metrics_summary(user=manager, flt=flt)
        return len(captured)

    make_case("closed")
    few = queries()
    for stage in ("new", "listening", "acknowledged", "resolved", "closed"):
        make_case(stage)
    assert queries() == few


def test_the_sqlite_percentile_interpolates_as_percentile_cont_does(db):
    values = [3600.0, 14400.0, 3600.0, 1800.0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY v) FROM unnest(%s) v",
            [values],
        )
        expected = cursor.fetchone()
    found = []
    for fraction in (0.5, 0.9):
        agg = _Percentile()
        for value in [*values, None]:
            agg.step(value, fraction)
        found.append(agg.finalize())
    assert tuple(found) == pytest.approx(expected)
    assert _Percentile().finalize() is None


def test_beat_refreshes_the_facts_every_minute_and_rebuilds_them_nightly(
    make_case, settings
):
    from dashboards.tasks import refresh_dashboard, refresh_facts

    schedule = {
        e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["dashboards.tasks.refresh_facts"] == 60.0
    assert "dashboards.tasks.refresh_dashboard" in schedule
    case = make_case("new")
    assert refresh_facts.apply().get() == 1
    CaseFacts.objects.filter(case=case).update(priority="low")
    assert refresh_dashboard.apply().get() == 1
    assert CaseFacts.objects.get(case=case).priority == case.priority
