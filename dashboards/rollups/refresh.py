"""Keeping the rollup tables in step with the cases (PostgreSQL only).

Every change to a case appends a timeline event, so a refresh asks which
cases have events newer than the last refresh's newest (and, for
transactions still open then, recent events a little older). For those
cases it compares what they add to each day's rows now with the footprint
kept from the last refresh (`CaseFootprint`), and recomputes the days that
differ — plus the days whose deadlines may have fallen due since. A day is
recomputed whole, from the source tables, so a refresh is idempotent and
cannot drift by a missed delta; the months of those days are then summed
again from their days.

Views refresh before they read (cheap when little changed); beat refreshes
every minute, and `rollups_rebuild` recomputes everything nightly and after
bulk loads.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Value
from django.db.models.functions import Least
from django.utils import timezone

from complaints import bounds
from complaints.models import Case
from followups.models import FollowUp
from sla.models import Deadline

from ..changes import MARGIN, changed_case_ids, latest_event_id
from ..models import RefreshMark
from .sources import ROLLUPS, footprint_sql

MARK = "rollups"
# With no new event, figures that age by the clock (missed deadlines) may
# lag this long before a view recomputes today.
QUIET = timedelta(seconds=60)
LOCK_KEY = 7_301_966  # pg_advisory_xact_lock: one refresh at a time


@dataclass(frozen=True)
class Refreshed:
    cases: int
    days: int
    rebuilt: bool = False
    busy: bool = False  # another refresh holds the lock; the rows are close
    behind: bool = False  # too much to do inline; read the raw rows instead


def rollups_enabled() -> bool:
    """Rollups are kept on PostgreSQL; elsewhere the figures are computed raw."""
    return connection.vendor == "postgresql" and settings.REDRESS_DASHBOARD_ROLLUPS


def rollups_refresh(
    *, now: datetime | None = None, wait: bool = True, limit: int | None = None
) -> Refreshed:
    """Bring the rollups up to date with every change so far (see module).

    A view passes `wait=False` and a `limit`: it returns at once when another
    refresh or the nightly rebuild holds the lock (`busy`: the view reads the
    rollups as they are, a minute behind at most), and it does not rebuild
    or fold in more than `limit` changed cases itself (`behind`: the view
    reads the raw rows; beat's refresh catches up).
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not _lock(wait=wait):
            return Refreshed(cases=0, days=0, busy=True)
        mark = RefreshMark.objects.filter(name=MARK).first()
        if mark is None:
            small = Case.objects.values("pk")[: (limit or 0) + 1].count() <= (
                limit or 0
            )
            if limit is not None and not small:
                return Refreshed(cases=0, days=0, behind=True)
            return _rebuild(now)
        latest = latest_event_id()
        quiet = latest == mark.event_id and abs(now - mark.at) < QUIET
        if quiet and _local(now) == _local(mark.at):
            return Refreshed(cases=0, days=0)
        since = min(mark.at, now) - MARGIN
        ids = sorted(changed_case_ids(mark, now))
        if limit is not None and len(ids) > limit:
            return Refreshed(cases=len(ids), days=0, behind=True)
        dirty = set(_span(_local(since), _local(max(mark.at, now))))
        dirty |= _footprints_replace(ids, now)
        _recompute(sorted(dirty), asof=now)
        _mark(now, latest)
        return Refreshed(cases=len(ids), days=len(dirty))


def rollups_rebuild(*, now: datetime | None = None) -> Refreshed:
    """Recompute every rollup row and every case's days from scratch."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock()
        return _rebuild(now)


def _rebuild(now: datetime) -> Refreshed:
    latest = latest_event_id()
    first = Case.objects.aggregate(first=Min("created_at"))["first"]
    with connection.cursor() as cursor:
        # DELETE, not TRUNCATE: views keep reading the old rows until commit.
        for rollup in ROLLUPS:
            cursor.execute(f"DELETE FROM {rollup.table}")
        cursor.execute("DELETE FROM dashboards_casefootprint")
        cursor.execute(
            "INSERT INTO dashboards_casefootprint (case_id, days) "
            + footprint_sql("IS NOT NULL"),
            {"tz": settings.TIME_ZONE, "asof": now},
        )
    days: list[date] = []
    if first is not None:
        last = max(
            [now]
            + [
                t
                for t in (
                    Deadline.objects.aggregate(t=_latest("due_at"))["t"],
                    FollowUp.objects.aggregate(t=_latest("due_at"))["t"],
                )
                if t is not None
            ]
        )
        days = list(_span(_local(first), _local(last)))
        _recompute(days, asof=now)
    _mark(now, latest)
    return Refreshed(cases=Case.objects.count(), days=len(days), rebuilt=True)


def _footprints_replace(ids: list[int], asof: datetime) -> set[date]:
    """Store the footprints of `ids`; return the days where they changed."""
    if not ids:
        return set()
    params = {"ids": ids, "tz": settings.TIME_ZONE, "asof": asof}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT case_id, days FROM dashboards_casefootprint "
            "WHERE case_id = ANY(%(ids)s)",
            params,
        )
        old = {pk: json.loads(days) for pk, days in cursor.fetchall()}
        cursor.execute(footprint_sql("= ANY(%(ids)s)"), params)
        new = {pk: json.loads(days) for pk, days in cursor.fetchall()}
        cursor.execute(
            "DELETE FROM dashboards_casefootprint WHERE case_id = ANY(%(ids)s)", params
        )
        if new:
            cursor.execute(
                "INSERT INTO dashboards_casefootprint (case_id, days) "
                "SELECT * FROM unnest(%s::bigint[], %s::jsonb[])",
                [list(new), [json.dumps(days) for days in new.values()]],
            )
    changed = set()
    for pk in ids:
        before, after = old.get(pk, {}), new.get(pk, {})
        changed |= {
            day
            for day in before.keys() | after.keys()
            if before.get(day) != after.get(day)
        }
    return {day for day in map(_day, changed) if day is not None}


def _recompute(days: list[date], *, asof: datetime) -> None:
    """Recompute the day rows of `days`, then their months, then their years."""
    days = [day for day in days if not bounds.moment_problem(day)]
    if not days:
        return
    runs = _runs(days)
    months = sorted({d.replace(day=1) for d in days})
    # Year rows are kept for past years only: this year's would be summed
    # again at every refresh, and no period holds this whole year yet.
    this_year = _local(asof).year
    years = sorted({d.replace(month=1, day=1) for d in days if d.year < this_year})
    params = {"days": days, "tz": settings.TIME_ZONE, "asof": asof}
    for n, (first, last) in enumerate(runs):
        params[f"lo{n}"] = _midnight(first)
        params[f"hi{n}"] = _midnight(last + timedelta(days=1))
    for span, starts, after in (("m", months, _next_month), ("y", years, _next_year)):
        params[span] = starts
        for n, start in enumerate(starts):
            params[f"{span}lo{n}"], params[f"{span}hi{n}"] = start, after(start)
    with connection.cursor() as cursor:
        for rollup in ROLLUPS:
            cursor.execute(
                f"DELETE FROM {rollup.table} "
                "WHERE span = 'd' AND day = ANY(%(days)s::date[])",
                params,
            )
            cursor.execute(rollup.day_rows_sql(len(runs)), params)
            for span, unit, starts in (("m", "month", months), ("y", "year", years)):
                cursor.execute(
                    f"DELETE FROM {rollup.table} "
                    f"WHERE span = '{span}' AND day = ANY(%({span})s::date[])",
                    params,
                )
                if starts:
                    cursor.execute(rollup.sum_rows_sql(span, unit, len(starts)), params)


def _latest(column: str) -> Max:
    # A moment past the bounds (stored before they held) counts as their end,
    # so neither Python's year 9999 nor the rebuild's span is overrun.
    return Max(Least(column, Value(bounds.LATEST)))


def _day(text: str) -> date | None:
    """A footprint's day, or None outside the years `complaints.bounds` allows."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if not bounds.moment_problem(day) else None


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _next_year(day: date) -> date:
    return day.replace(year=day.year + 1, month=1, day=1)


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, last), …]."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _mark(now: datetime, latest: int) -> None:
    RefreshMark.objects.update_or_create(
        name=MARK, defaults={"at": now, "event_id": latest}
    )


def _lock(*, wait: bool = True) -> bool:
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        return cursor.fetchone()[0]


def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _span(first: date, last: date):
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)
