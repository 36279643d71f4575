"""The monthly rollup: each whole past month's additive figures, from `CaseFacts`.

A `MonthFacts` row holds, for one local month, every period figure that adds
up over months (`metrics.figures.tally`: the counts, the durations'
histograms, the filings per root cause, the per-agent counts), evaluated
over that month exactly as a period of that month would be; per team,
category, priority and channel (grain CASE), per team, and over all cases.

Counts add up per case, so a rewritten case changes them by what its new
row counts less what its old row counted: `facts.facts_refresh` tallies the
changed cases' rows before and after, per month they count in, and adds the
difference (`months_adjust`), whatever the size of the table. A month is
rolled whole once after it ends (the deadlines that fell due in it are
decided by then), and every month on a rebuild. The current month is never
rolled: a period reads it, and any other part-month at its edges, from the
facts themselves.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Min, QuerySet
from django.utils import timezone

from .changes import RefreshMark
from .metrics.figures import MOMENTS, add, tally
from .metrics.filters import MetricsFilter
from .models import CaseFacts, MonthFacts

MARK = "months"
DIMS = ("team_id", "category_id", "priority", "channel")
Grain = MonthFacts.Grain
Tallies = dict[tuple, dict[str, int]]  # (month, grain, *DIMS) → counts


def month_filter(month: date) -> MetricsFilter:
    """The whole local month starting `month`, over every case."""
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return MetricsFilter(start=month, end=end, visible_team_ids=None)


def this_month(now: datetime) -> date:
    return timezone.localtime(now).date().replace(day=1)


def months_of(rows: Iterable[tuple], now: datetime) -> set[date]:
    """The past months of every moment in `rows` (tuples of datetimes)."""
    current = this_month(now)
    found = {
        timezone.localtime(moment).date().replace(day=1)
        for row in rows
        for moment in row
        if moment is not None and moment.year < 9999
    }
    return {month for month in found if month < current}


def months_touched(
    old: dict[int, dict], new: dict[int, dict], now: datetime
) -> dict[date, list[int]]:
    """Per past month, the cases whose counts in it may differ between their
    `old` and `new` rows (by case). Each count is of one moment in the month,
    so a case counts differently only in the months its changed moments left
    or entered; or, if anything else changed, in every month it counts in."""
    found: dict[date, list[int]] = defaultdict(list)
    for pk in old.keys() | new.keys():
        before, after = old.get(pk, {}), new.get(pk, {})
        changed = {k for k in before | after if before.get(k) != after.get(k)}
        changed.discard("active_until")  # the latest moment: not counted
        names = MOMENTS if changed - set(MOMENTS) else changed
        rows = [[row.get(name) for name in names] for row in (before, after)]
        for month in months_of(rows, now):
            found[month].append(pk)
    return found


def months_tally(
    facts: QuerySet[CaseFacts], months: Iterable[date], now: datetime
) -> Tallies:
    """What `facts` count in each of `months`, at every grain."""
    wanted = sorted(months)
    if not wanted:
        return {}
    span = MetricsFilter(
        start=wanted[0], end=month_filter(wanted[-1]).end, visible_team_ids=None
    )
    found: Tallies = defaultdict(dict)
    for (month, *dims), counts in tally(facts, span, now, DIMS, monthly=True).items():
        if month not in wanted:
            continue
        for key in (
            (month, Grain.CASE, *dims),
            (month, Grain.TEAM, dims[0], None, "", ""),
            (month, Grain.ALL, None, None, "", ""),
        ):
            add(found[key], counts)
    return found


def months_adjust(before: Tallies, after: Tallies) -> None:
    """Add `after` less `before` to the stored rows (rows left empty go)."""
    keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    if not keys:
        return
    months = {key[0] for key in keys}
    stored = {
        (r.month, r.grain, r.team_id, r.category_id, r.priority, r.channel): r
        for r in MonthFacts.objects.filter(month__in=months)
    }
    changed, made, gone = [], [], []
    for key in keys:
        row = stored.get(key) or MonthFacts(
            month=key[0], grain=key[1], **dict(zip(DIMS, key[2:], strict=True))
        )
        add(row.counts, after.get(key, {}))
        add(row.counts, before.get(key, {}), sign=-1)
        if row.pk is None:
            made.append(row) if row.counts else None
        else:
            (changed if row.counts else gone).append(row)
    MonthFacts.objects.bulk_update(changed, ["counts"], batch_size=500)
    MonthFacts.objects.bulk_create(made, batch_size=500)
    MonthFacts.objects.filter(pk__in=[r.pk for r in gone]).delete()


def months_roll(
    *, now: datetime, months: Iterable[date] = (), everything: bool = False
) -> int:
    """Roll `months`, the months that ended since the last roll (every month
    with facts if `everything` or never rolled), whole; return how many."""
    current = this_month(now)
    todo = set(months)
    mark = RefreshMark.objects.filter(name=MARK).first()
    if everything or mark is None:  # every month from the first filing
        MonthFacts.objects.all().delete()
        first = CaseFacts.objects.aggregate(first=Min("filed_at"))["first"]
        month = this_month(first) if first else current
    else:
        month = this_month(mark.at)
    while month < current:
        todo.add(month)
        month = (month + timedelta(days=32)).replace(day=1)
    done = sorted(m for m in todo if m < current)
    MonthFacts.objects.filter(month__in=done).delete()
    months_adjust({}, months_tally(CaseFacts.objects.all(), done, now))
    RefreshMark.objects.update_or_create(name=MARK, defaults={"at": now})
    return len(done)
