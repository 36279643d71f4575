"""The rollups agree with the raw figures: after a rebuild, after changes made
through the services (refreshed incrementally), and as time passes.

The demo data (forty scripted cases in every stage, with offers, follow-ups,
escalations and skips, spread over recent weeks) is the dataset; every
period figure is compared, under many filters, between `raw_figures` (the
rows themselves) and `rolled_figures` (the rollup tables).
"""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from complaints.lifecycle.stages import transition
from complaints.models import Case, Category, Priority, Stage
from complaints.services import case_escalate, case_set_awaiting_customer, case_update
from dashboards.metrics import (
    dashboard_teams,
    filter_parse,
    metrics_summary,
    raw_figures,
    scoped_cases,
)
from dashboards.metrics.customers import customer_figures
from dashboards.metrics.rolled import rolled_figures
from dashboards.models import CaseDurations
from dashboards.rollups.refresh import LOCK_KEY, rollups_rebuild, rollups_refresh
from dashboards.rollups.sources import ROLLUPS
from followups.models import FollowUp, FollowUpStatus
from followups.services import followup_complete

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    users = get_user_model().objects
    return {
        "manager": users.get(username="manager"),
        "lead": users.get(username="lead"),
    }


def periods(today: date) -> list[dict[str, str]]:
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    return [
        {"period": "7d"},
        {"period": "30d"},
        {"period": "90d"},
        {"period": "quarter"},
        {"period": "all"},
        # Whole months plus odd days at both ends (month rows and day rows).
        {
            "from": (last_month - timedelta(days=40)).isoformat(),
            "to": today.isoformat(),
        },
        {"from": last_month.isoformat(), "to": (month - timedelta(days=1)).isoformat()},
        {"from": "2020-01-15", "to": (today + timedelta(days=60)).isoformat()},
        {
            "from": (today + timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=40)).isoformat(),
        },
    ]


def dimensions(user) -> list[dict[str, str]]:
    category = Category.objects.order_by("pk").first()
    team = dashboard_teams(user).first()
    return [
        {},
        {"team": team.slug},
        {"category": category.slug},
        {"priority": Priority.HIGH},
        {"channel": "email"},
        {"team": team.slug, "priority": Priority.NORMAL},
    ]


def assert_agree(user, now=None) -> int:
    """Compare every figure for every period and filter; return how many compared."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    compared = 0
    for period in periods(today):
        for dims in dimensions(user):
            params = {**period, **dims}
            flt = filter_parse(user=user, params=params, today=today)
            cases = scoped_cases(user=user, flt=flt)
            rollups_refresh(now=now)
            rolled = rolled_figures(cases=cases, flt=flt, now=now)
            raw = raw_figures(cases=cases, flt=flt, now=now)
            assert rolled == raw, params
            compared += 1
    return compared


def snapshot() -> dict[str, list[tuple]]:
    tables = [r.table for r in ROLLUPS] + ["dashboards_casefootprint"]
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            columns = [c.name for c in cursor.description]
            keep = [i for i, name in enumerate(columns) if name != "id"]
            found[table] = sorted(
                tuple(str(row[i]) for i in keep) for row in cursor.fetchall()
            )
    return found


def test_the_rollups_agree_with_the_raw_figures_on_the_demo_data(demo):
    summary_opened = rolled_figures(
        cases=Case.objects.all(),
        flt=filter_parse(user=demo["manager"], params={"period": "all"}),
        now=timezone.now(),
    )["volume"]["opened"]
    assert summary_opened == 0  # before any refresh the tables are empty
    assert assert_agree(demo["manager"]) == 54
    assert assert_agree(demo["lead"]) == 54
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT span, sum(opened)::int FROM dashboards_dayfacts GROUP BY span"
        )
        opened = dict(cursor.fetchall())
    filed = Case.objects.count()
    before = Case.objects.filter(created_at__year__lt=timezone.localdate().year)
    assert (opened["d"], opened["m"]) == (filed, filed)  # days, months
    assert opened.get("y", 0) == before.count()  # past years only


def test_changes_through_the_services_are_folded_in_without_a_rebuild(demo):
    manager = demo["manager"]
    rollups_refresh()
    closed = Case.objects.filter(stage=Stage.CLOSED, reopen_count=0).first()
    transition(closed, Stage.LISTENING, by=manager, reason="Customer came back.")
    moving = Case.objects.filter(stage=Stage.ACKNOWLEDGED).first()
    other = Category.objects.exclude(pk=moving.category_id).first()
    case_update(case=moving, by=manager, category=other, priority=Priority.URGENT)
    case_escalate(
        case=Case.objects.filter(stage=Stage.RESOLVING).first(), level=2, by=manager
    )
    case_set_awaiting_customer(
        case=Case.objects.filter(stage=Stage.LISTENING).last(),
        awaiting=True,
        by=manager,
    )
    followup = FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).first()
    followup_complete(
        followup=followup,
        outcome="unsatisfied",
        csat=2,
        note="Still broken.",
        by=manager,
    )

    assert assert_agree(manager) == 54
    incremental = snapshot()
    rollups_rebuild()
    assert snapshot() == incremental


def test_deadlines_missed_as_time_passes_are_counted_both_ways(demo):
    manager = demo["manager"]
    later = timezone.now() + timedelta(days=9)
    assert assert_agree(manager, now=later) == 54
    assert assert_agree(manager) == 54  # and back again


def test_a_quiet_refresh_does_nothing_and_a_change_is_seen_at_once(demo):
    manager = demo["manager"]
    assert rollups_refresh().rebuilt
    assert rollups_refresh().days == 0  # nothing new within a minute
    case = Case.objects.filter(stage=Stage.NEW).first()
    case_escalate(case=case, level=1, by=manager)
    done = rollups_refresh()
    assert done.cases >= 1 and done.days >= 1
    flt = filter_parse(user=manager, params={"period": "7d"})
    figures = rolled_figures(
        cases=scoped_cases(user=manager, flt=flt), flt=flt, now=timezone.now()
    )
    raw = raw_figures(
        cases=scoped_cases(user=manager, flt=flt), flt=flt, now=timezone.now()
    )
    assert figures["escalations"] == raw["escalations"]
    assert sum(row["escalations"] for row in figures["escalations"]) >= 1


def test_a_damaged_rollup_shows_and_the_nightly_rebuild_repairs_it(demo):
    manager = demo["manager"]
    flt = filter_parse(user=manager, params={"period": "all"})
    cases, now = scoped_cases(user=manager, flt=flt), timezone.now()
    rollups_refresh(now=now)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dashboards_dayfacts SET closed = closed + 1")
    damaged = rolled_figures(cases=cases, flt=flt, now=now)
    assert damaged != raw_figures(cases=cases, flt=flt, now=now)
    call_command("refresh_dashboard", "--rollups", stdout=StringIO())
    assert rolled_figures(cases=cases, flt=flt, now=now) == raw_figures(
        cases=cases, flt=flt, now=now
    )


def test_durations_follow_a_case_into_its_new_category(demo):
    manager = demo["manager"]
    case = Case.objects.filter(
        stage=Stage.ACKNOWLEDGED, first_response_at__isnull=False
    ).first()
    target = Category.objects.exclude(pk=case.category_id).order_by("pk").first()

    def timed_cases(category) -> int:
        summary = metrics_summary(
            user=manager,
            flt=filter_parse(
                user=manager, params={"period": "all", "category": category.slug}
            ),
        )
        return summary["times"]["first_response"]["cases"]

    before = timed_cases(target)
    case_update(case=case, by=manager, category=target)
    assert timed_cases(target) == before + 1
    row = CaseDurations.objects.get(case=case)
    assert (row.category_id, row.team_id) == (target.pk, case.team_id)


def test_long_periods_reuse_times_and_customer_counts_for_a_few_minutes(demo):
    manager = demo["manager"]
    today = timezone.localdate()
    start = (today - timedelta(days=200)).isoformat()
    long = filter_parse(user=manager, params={"from": start, "to": today.isoformat()})
    short = filter_parse(user=manager, params={"period": "30d"})
    first = metrics_summary(user=manager, flt=long)
    assert first["long_as_of"] is not None
    assert metrics_summary(user=manager, flt=short)["long_as_of"] is None

    case = Case.objects.filter(stage=Stage.NEW, escalation_level=0).first()
    case_escalate(case=case, level=1, by=manager)
    again = metrics_summary(user=manager, flt=long)
    assert again["escalated"] == first["escalated"] + 1  # live
    assert again["long_as_of"] == first["long_as_of"]  # reused
    assert again["customers"] == first["customers"]
    now_raw = customer_figures(cases=scoped_cases(user=manager, flt=long), flt=long)
    assert now_raw["at_risk"] == first["customers"]["at_risk"] + 1

    later = first["long_as_of"] + timedelta(seconds=301)
    with time_machine.travel(later, tick=False):
        cache.clear()  # locmem honours its own clock; the entry would be expired
        fresh = metrics_summary(user=manager, flt=long)
    assert fresh["long_as_of"] == later


@pytest.mark.django_db(transaction=True)
def test_a_view_does_not_wait_for_a_refresh_in_progress(demo):
    from django.db import connections

    rollups_refresh()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            case = Case.objects.filter(stage=Stage.NEW).first()
            case_escalate(case=case, level=1, by=demo["manager"])
            assert rollups_refresh(wait=False).busy
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    done = rollups_refresh(wait=False)
    assert not done.busy and done.cases >= 1


def test_a_view_reads_the_raw_rows_when_too_much_changed_and_beat_catches_up(
    demo, monkeypatch
):
    from dashboards import metrics
    from dashboards.tasks import refresh_rollups

    manager = demo["manager"]
    flt = filter_parse(user=manager, params={"period": "7d"})
    rollups_refresh()
    monkeypatch.setattr(metrics, "INLINE_ROLLUP_CASES", 1)
    for case in Case.objects.filter(stage=Stage.RESOLVING, escalation_level=0)[:2]:
        case_escalate(case=case, level=1, by=manager)
    now = timezone.now()
    assert rollups_refresh(now=now, wait=False, limit=1).behind
    summary = metrics_summary(user=manager, flt=flt, now=now)  # raw, and right
    cases = scoped_cases(user=manager, flt=flt)
    raw = raw_figures(cases=cases, flt=flt, now=now)
    assert summary["escalations"] == raw["escalations"]
    assert rolled_figures(cases=cases, flt=flt, now=now) != raw  # rollups behind

    refresh_rollups()  # beat, a minute later at most
    assert rolled_figures(cases=cases, flt=flt, now=now) == raw


@time_machine.travel("2026-11-23 12:00:00+00:00", tick=False)
def test_a_period_is_read_through_the_coarsest_rows_that_fit():
    from datetime import date as d

    from dashboards.metrics.rolled import _pieces

    assert _pieces(d(2023, 11, 24), d(2026, 11, 23), "y") == [
        ("d", d(2023, 11, 24), d(2023, 12, 1)),
        ("m", d(2023, 12, 1), d(2024, 1, 1)),
        ("y", d(2024, 1, 1), d(2026, 1, 1)),
        ("m", d(2026, 1, 1), d(2026, 11, 1)),
        ("d", d(2026, 11, 1), d(2026, 11, 24)),
    ]
    assert _pieces(d(2024, 1, 1), d(2024, 12, 31), "m") == [
        ("m", d(2024, 1, 1), d(2025, 1, 1))
    ]
    assert _pieces(d(2024, 2, 1), d(2024, 2, 28), "y") == [
        ("d", d(2024, 2, 1), d(2024, 2, 29))  # a leap February is not whole
    ]
    assert _pieces(d(2024, 3, 5), d(2024, 3, 4), "y") == []
    assert _pieces(d(2026, 1, 1), d(2026, 12, 31), "y") == [  # no row for this year
        ("m", d(2026, 1, 1), d(2027, 1, 1))
    ]


def test_year_rows_agree_once_the_year_is_past(demo):
    manager = demo["manager"]
    rollups_refresh()
    with time_machine.travel("2027-02-01 12:00:00+00:00", tick=False):
        assert assert_agree(manager) == 54  # 2020-01-15 on reads 2026 as a year
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(opened)::int FROM dashboards_dayfacts WHERE span = 'y'"
            )
            (in_years,) = cursor.fetchone()
    assert in_years == Case.objects.count()
