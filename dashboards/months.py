"""The rollup: each past day's additive figures, and each month's, from `CaseFacts`.

A `Rollup` row holds, for one local day (or the days of a month rolled so
far), every period figure that adds up over time (`metrics.figures.tally`:
the counts, the durations' histograms, the filings per category and root
cause, the per-agent counts), evaluated over that day exactly as a period
of that day would be; per team, and over all cases.

Counts add up per case, so a rewritten case changes them by what its new
row counts less what its old row counted: `facts.facts_refresh` tallies the
changed cases' rows before and after, per day they count in, and adds the
difference (`rollup_adjust`), whatever the size of the table. A day is
rolled whole once after it ends, and every day on a rebuild; today is never
rolled: a period reads it from the facts themselves.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from complaints.models import Event, Offer
from followups.models import FollowUp

from .changes import ROLLED as MARK
from .changes import RefreshMark
from .metrics.figures import READS, add, tally
from .metrics.filters import MetricsFilter
from .metrics.items import PREFIXES, item_tally
from .models import CaseFacts, Rollup

Grain = Rollup.Grain
Tallies = dict[tuple, dict[str, int]]  # (start, month, grain, team) → counts


def today(now: datetime) -> date:
    return timezone.localtime(now).date()


def days_of(rows: Iterable[Iterable], now: datetime) -> set[date]:
    """The past days of every moment in `rows` (of datetimes)."""
    found = {
        timezone.localtime(moment).date()
        for row in rows
        for moment in row
        if moment is not None and moment.year < 9999
    }
    return {day for day in found if day < today(now)}


def days_touched(
    old: dict[int, dict], new: dict[int, dict], now: datetime
) -> dict[date, list[int]]:
    """Per past day, the cases whose counts in it may differ between their
    `old` and `new` rows (by case): each count is of one moment in the day,
    so a case counts differently only on the days its changed moments left
    or entered, and on the days of the moments of the figures that read its
    other changed columns (`figures.READS`: a category dated by its filing)."""
    found: dict[date, list[int]] = defaultdict(list)
    for pk in old.keys() | new.keys():
        before, after = old.get(pk, {}), new.get(pk, {})
        changed = {k for k in before | after if before.get(k) != after.get(k)}
        names = set().union(*(READS.get(name, ()) for name in changed))
        rows = [[row.get(name) for name in names] for row in (before, after)]
        for day in days_of(rows, now):
            found[day].append(pk)
    return found


def columns_changed(touched: dict[date, list[int]], old: dict, new: dict) -> set[str]:
    """The columns that differ between `old` and `new` of the cases touched."""
    found: set[str] = set()
    for pk in {pk for ids in touched.values() for pk in ids}:
        before, after = old.get(pk, {}), new.get(pk, {})
        found |= {k for k in before | after if before.get(k) != after.get(k)}
    return found


def rollup_tally(
    facts: QuerySet[CaseFacts],
    days: Iterable[date],
    now: datetime,
    *,
    items: bool = False,
    keyed: bool = False,
    changed: set[str] | None = None,
) -> Tallies:
    """What `facts` count on each of `days`, per team and over all, by day
    and by month (`keyed`: a few facts chosen by key); with `items`, what
    the offers, follow-ups and skips of every case count on them instead
    (`metrics.items`); only the figures that read a `changed` column."""
    wanted = set(days)
    if not wanted:
        return {}
    span = MetricsFilter(start=min(wanted), end=max(wanted), visible_team_ids=None)
    if items:
        counted = item_tally(span, now, daily=True)
    else:
        counted = tally(
            facts, span, now, ("team_id",), daily=True, keyed=keyed, changed=changed
        )
    found: Tallies = defaultdict(dict)
    for (day, team), counts in counted.items():
        if day in wanted:
            for start, month in ((day, False), (day.replace(day=1), True)):
                add(found[(start, month, Grain.TEAM, team)], counts)
                add(found[(start, month, Grain.ALL, None)], counts)
    return found


def rollup_replace(days: list[date], after: Tallies, *prefixes: str) -> None:
    """Replace the counts of `days` (those under `prefixes`, if given) with
    `after`, and their months' by the difference."""
    before: Tallies = defaultdict(dict)
    for row in Rollup.objects.filter(month=False, start__in=days):
        counts = {
            k: n
            for k, n in row.tallied().items()
            if not prefixes or k.startswith(prefixes)
        }
        for start, month in ((row.start, False), (row.start.replace(day=1), True)):
            add(before[(start, month, row.grain, row.team_id)], counts)
    rollup_adjust(before, after)


def rollup_adjust(before: Tallies, after: Tallies) -> None:
    """Add `after` less `before` to the stored rows (rows left empty go)."""
    deltas: Tallies = {}
    for key in before.keys() | after.keys():
        delta = dict(after.get(key, {}))
        add(delta, before.get(key, {}), sign=-1)
        if delta:
            deltas[key] = delta
    if not deltas:
        return
    if connection.vendor == "postgresql":
        _merge(deltas)
    else:
        _adjust_rows(deltas)


def _merged(stored: str, delta: str) -> str:
    """SQL: the JSON counts `stored` plus `delta`, zeros left out; only the
    keys of `delta` are read and written."""
    n = f"coalesce(({stored}->>key)::bigint, 0) + value::bigint"
    return f"""(coalesce({stored}, '{{}}') || coalesce((
        SELECT jsonb_object_agg(key, {n}) FROM jsonb_each_text({delta})), '{{}}'))
        - coalesce((SELECT array_agg(key) FROM jsonb_each_text({delta})
                    WHERE {n} = 0), '{{}}')"""  # noqa: S608 - constants only


# Each row and its differences in one statement. A column without one is
# left as it is stored (not read or rewritten: a category's move rewrites
# only the small `groups`). A row's counts are empty only when its groups are.
MERGE = f"""
WITH d (start, month, grain, team_id, counts, groups) AS (
    SELECT * FROM unnest(%s::date[], %s::boolean[], %s::smallint[],
                         %s::integer[], %s::jsonb[], %s::jsonb[])
), m AS (
    SELECT d.start, d.month, d.grain, d.team_id, r.id,
        CASE WHEN d.counts <> '{{}}' THEN {_merged("r.counts", "d.counts")} END
        AS counts,
        CASE WHEN d.groups <> '{{}}' THEN {_merged("r.groups", "d.groups")} END
        AS groups
    FROM d LEFT JOIN dashboards_rollup r
        ON r.grain = d.grain AND r.month = d.month AND r.start = d.start
        AND r.team_id IS NOT DISTINCT FROM d.team_id
), changed AS (
    UPDATE dashboards_rollup r
    SET counts = coalesce(m.counts, r.counts), groups = coalesce(m.groups, r.groups)
    FROM m WHERE r.id = m.id AND m.counts IS DISTINCT FROM '{{}}'
), emptied AS (
    DELETE FROM dashboards_rollup r USING m WHERE r.id = m.id AND m.counts = '{{}}'
)
INSERT INTO dashboards_rollup (start, month, grain, team_id, counts, groups)
SELECT start, month, grain, team_id, coalesce(counts, '{{}}'), coalesce(groups, '{{}}')
FROM m WHERE id IS NULL AND counts IS DISTINCT FROM '{{}}'
"""  # noqa: S608 - constants only


def _merge(deltas: Tallies) -> None:
    """Add `deltas` to the stored rows on PostgreSQL, in one statement."""
    keys = sorted(deltas, key=repr)
    columns = [list(column) for column in zip(*keys, strict=True)]
    parts = [Rollup.split(deltas[key]) for key in keys]
    counts = [json.dumps(counted) for counted, _ in parts]
    groups = [json.dumps(grouped) for _, grouped in parts]
    with connection.cursor() as cursor:
        cursor.execute(MERGE, [*columns, counts, groups])


def _adjust_rows(deltas: Tallies) -> None:
    """Add `deltas` to the stored rows, read and written whole (SQLite)."""
    starts: dict[tuple, set[date]] = defaultdict(set)  # only the rows wanted
    for start, _, grain, team in deltas:
        starts[(grain, team)].add(start)
    wanted = Q()
    for (grain, team), found in starts.items():
        wanted |= Q(grain=grain, team_id=team, start__in=found)
    stored = {
        (r.start, r.month, r.grain, r.team_id): r for r in Rollup.objects.filter(wanted)
    }
    changed, made, gone = [], [], []
    for key, delta in deltas.items():
        row = stored.get(key) or Rollup(
            start=key[0], month=key[1], grain=key[2], team_id=key[3]
        )
        tallied = row.tallied()
        add(tallied, delta)
        row.counts, row.groups = Rollup.split(tallied)
        if row.pk is None:
            made.append(row) if tallied else None
        else:
            (changed if tallied else gone).append(row)
    Rollup.objects.bulk_update(changed, ["counts", "groups"], batch_size=500)
    Rollup.objects.bulk_create(made, batch_size=500)
    Rollup.objects.filter(pk__in=[r.pk for r in gone]).delete()


def rollup_roll(*, now: datetime, everything: bool = False) -> int:
    """Roll whole the days that ended since the last roll (every day from the
    first filing if `everything` or never rolled); return how many."""
    mark = RefreshMark.objects.filter(name=MARK).first()
    if everything or mark is None:
        return _reroll(now)
    done = _days(today(mark.at), today(now))
    # A day rolled before (the refresh adjusted it) is replaced whole.
    rollup_replace(done, _rolled(done, now))
    RefreshMark.objects.update_or_create(name=MARK, defaults={"at": now})
    return len(done)


def _days(first: date, end: date) -> list[date]:
    """Every day from `first` up to (not including) `end`."""
    return [first + timedelta(days=n) for n in range((end - first).days)]


def _rolled(days: list[date], now: datetime) -> Tallies:
    """What every case, offer, follow-up and skip counts on `days`."""
    after = rollup_tally(CaseFacts.objects.all(), days, now)
    for key, counts in rollup_tally(
        CaseFacts.objects.none(), days, now, items=True
    ).items():
        add(after.setdefault(key, {}), counts)
    return after


def _reroll(now: datetime) -> int:
    """Roll every day from the first filing again and hold it against what
    is stored, a month at a time: only the rows that differ are written (a
    rebuild of unchanged data writes nothing), a row of no day rolled is
    deleted, and a page read meanwhile finds every row as it was or as it is
    now (not an empty rollup)."""
    first = CaseFacts.objects.aggregate(first=Min("filed_at"))["first"]
    done = _days(today(first), today(now)) if first else []
    months: dict[date, list[date]] = defaultdict(list)
    for day in done:
        months[day.replace(day=1)].append(day)
    after: dict[date, Tallies] = defaultdict(dict)  # by month
    for key, counts in _rolled(done, now).items():
        after[key[0].replace(day=1)][key] = counts
    for start, days in months.items():
        rows = Rollup.objects.filter(
            Q(month=True, start=start) | Q(month=False, start__in=days)
        )
        with transaction.atomic():
            rollup_adjust(_stored(rows), after[start])
    stray = Rollup.objects.exclude(
        Q(month=True, start__in=list(months)) | Q(month=False, start__in=done)
    )
    rollup_adjust(_stored(stray), {})
    RefreshMark.objects.update_or_create(name=MARK, defaults={"at": now})
    return len(done)


def _stored(rows: QuerySet[Rollup]) -> Tallies:
    """The counts of `rows` by (start, month, grain, team)."""
    return {(r.start, r.month, r.grain, r.team_id): r.tallied() for r in rows}


def items_refresh(case_ids: Iterable[int], now: datetime) -> None:
    """Count again whole the item figures of every past day on which an offer,
    a follow-up or a skip of `case_ids` counts."""
    ids = list(case_ids)
    moments = [
        Offer.objects.filter(case_id__in=ids).values_list("created_at"),
        FollowUp.objects.filter(case_id__in=ids).values_list("completed_at", "due_at"),
        Event.objects.filter(
            case_id__in=ids, kind="stage_changed", data__move="skip"
        ).values_list("created_at"),
    ]
    days = sorted(days_of((row for rows in moments for row in rows), now))
    if days:
        after = rollup_tally(CaseFacts.objects.none(), days, now, items=True)
        rollup_replace(days, after, *PREFIXES)
