"""The monthly rollup: each whole past month's additive figures, from `CaseFacts`.

A `MonthFacts` row holds, for one local month and one team, category,
priority and channel, every period figure that adds up over months (the
counts of `metrics.figures.counts`, evaluated over that month exactly as a
period of that month would be). A month is rolled again, whole, when a
rewritten case counted in it before or after (`facts.facts_refresh`), once
after it ends (the deadlines that fell due in it are decided by then), and
every month on a rebuild. The current month is never rolled: a period reads
it, and any other part-month at its edges, from the facts themselves.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models.functions import TruncMonth
from django.utils import timezone

from .changes import RefreshMark
from .metrics.figures import active, counts
from .metrics.filters import MetricsFilter
from .models import CaseFacts, MonthFacts

MARK = "months"
DIMS = ("team_id", "category_id", "priority", "channel")


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


def months_roll(
    *, now: datetime, months: Iterable[date] = (), everything: bool = False
) -> int:
    """Roll `months`, the months that ended since the last roll (every month
    with facts if `everything` or never rolled); return how many."""
    from .facts import MOMENTS

    current = this_month(now)
    todo = set(months)
    mark = RefreshMark.objects.filter(name=MARK).first()
    if everything or mark is None:
        MonthFacts.objects.all().delete()
        tz = timezone.get_current_timezone()
        for name in MOMENTS:
            stamps = (
                CaseFacts.objects.filter(**{f"{name}__lt": month_filter(current).lower})
                .annotate(m=TruncMonth(name, tzinfo=tz))
                .order_by()
                .values_list("m", flat=True)
                .distinct()
            )
            todo |= {m.date() if isinstance(m, datetime) else m for m in stamps}
    elif this_month(mark.at) < current:
        month = this_month(mark.at)
        while month < current:
            todo.add(month)
            month = (month + timedelta(days=32)).replace(day=1)
    done = sorted(m for m in todo if m < current)
    for month in done:
        _roll(month, now)
    RefreshMark.objects.update_or_create(name=MARK, defaults={"at": now})
    return len(done)


def _roll(month: date, now: datetime) -> None:
    flt = month_filter(month)
    rows = (
        active(CaseFacts.objects.all(), flt, open_too=False)
        .order_by()
        .values(*DIMS)
        .annotate(**counts(flt, now))
    )
    made = []
    for row in rows:
        dims = {name: row.pop(name) for name in DIMS}
        found = {name: n for name, n in row.items() if n}
        if found:
            made.append(MonthFacts(month=month, **dims, counts=found))
    MonthFacts.objects.filter(month=month).delete()
    MonthFacts.objects.bulk_create(made, batch_size=2000)
