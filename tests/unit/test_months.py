"""The rollup: a period read from whole months and days plus today must give
exactly the figures the facts give alone, after a rebuild and after
incremental refreshes that change cases counted in past days.
"""

from datetime import UTC, date, datetime

import pytest

from complaints.services import case_update
from dashboards.facts import facts_rebuild, facts_refresh
from dashboards.metrics import figures, filter_parse, metrics_summary, periods
from dashboards.models import RefreshMark, Rollup
from tests.unit.test_metrics_dataset import at

pytestmark = pytest.mark.django_db
LONG = {"from": "2026-01-10", "to": "2026-06-20"}
NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)


def both(user, monkeypatch, **extra) -> tuple[dict, dict]:
    """The summary with the rollup, and read from the facts alone."""
    flt = filter_parse(user=user, params={**LONG, **extra}, today=date(2026, 7, 15))

    def summary() -> dict:
        found = metrics_summary(user=user, flt=flt, now=NOW)
        return {k: v for k, v in found.items() if k != "as_of"}

    rolled = summary()
    with monkeypatch.context() as patch:
        patch.setattr(figures, "LONG", 10**6)
        return rolled, summary()


def test_whole_months_come_from_the_rollup_and_agree_with_the_facts(
    manager, lead, make_case, monkeypatch
):
    made = {}
    for month, day, stage in [(1, 5, "closed"), (1, 20, "resolved"), (2, 3, "new")]:
        with at(month, day, 10):
            made[(month, day)] = make_case(stage)
    for month, day, stage in [(3, 31, "closed"), (5, 2, "acknowledged")]:
        with at(month, day, 23, 30):
            made[(month, day)] = make_case(stage)
    with at(6, 18, 10):
        made[(6, 18)] = make_case("following_up")
    with at(7, 1, 9):
        facts_rebuild()
    assert Rollup.objects.filter(start=date(2026, 2, 1), month=True).exists()
    months, days, edge = periods.split(
        filter_parse(user=manager, params=LONG), datetime(2026, 7, 1, 9, tzinfo=UTC)
    )
    assert months == [date(2026, m, 1) for m in (2, 3, 4, 5)] and edge is None
    assert days == [date(2026, 1, d) for d in range(10, 32)] + [
        date(2026, 6, d) for d in range(1, 21)
    ]
    for user in (manager, lead):
        rolled, direct = both(user, monkeypatch)
        assert rolled == direct
        assert rolled["opened"] == 5  # all but the case of 5 January
    # A case filed in February moves to another priority: February is rolled
    # again, and a view of that priority finds it there.
    urgent = {**LONG, "priority": "urgent"}
    assert (
        metrics_summary(
            user=manager, flt=filter_parse(user=manager, params=urgent), now=NOW
        )["opened"]
        == 0
    )
    with at(7, 2, 10):
        case_update(case=made[(2, 3)], by=manager, priority="urgent")
    with at(7, 2, 10, 1):
        assert facts_refresh() == 1
    rolled, direct = both(manager, monkeypatch, priority="urgent")
    assert rolled == direct and rolled["opened"] == 1


def rollup() -> list[tuple]:
    """Every stored month row, comparable."""
    return sorted(
        Rollup.objects.values_list("start", "month", "grain", "team_id", "counts"),
        key=repr,
    )


def test_refreshing_by_differences_gives_the_rollup_a_full_roll_gives(
    make_case, manager
):
    from complaints.models import Category
    from complaints.services import case_escalate

    made = []
    for month, stage in [(1, "closed"), (2, "resolved"), (3, "acknowledged")]:
        for day in (3, 17):
            with at(month, day, 10):
                made.append(make_case(stage, priority="high" if day == 3 else "low"))
    with at(5, 1, 9):
        facts_rebuild()
    moved = Category.objects.create(name="Moved", slug="moved")
    with at(5, 2, 10):
        # A dimension of a January case, the priority of a February one, an
        # escalation today, and a case filed today (the current month).
        case_update(case=made[0], by=manager, category=moved)
        case_update(case=made[2], by=manager, priority="urgent")
        case_escalate(case=made[4], level=1, by=manager, reason="test")
        make_case("new")
    with at(5, 2, 10, 1):
        assert facts_refresh() >= 4
        adjusted = rollup()
        facts_rebuild()
    assert adjusted == rollup()
    grains = set(Rollup.objects.values_list("grain", flat=True))
    assert grains == set(Rollup.Grain.values)


def test_a_day_is_rolled_whole_once_it_ends(make_case, manager):
    with at(4, 30, 10):
        make_case("closed")
    with at(4, 30, 12):
        facts_rebuild()
    assert not Rollup.objects.filter(start=date(2026, 4, 30)).exists()
    with at(5, 1, 0, 30):  # Europe/Berlin or UTC: May has begun either way
        facts_refresh()
    with at(5, 1, 0, 31):
        rolled = rollup()
        facts_rebuild()
    assert rolled == rollup()
    assert Rollup.objects.filter(start=date(2026, 4, 30), month=False).exists()
    assert Rollup.objects.filter(start=date(2026, 4, 1), month=True).exists()


def test_a_rollup_not_rolled_yet_is_not_read(make_case, manager):
    # After a migration reshapes the rollup (its mark and rows gone), views
    # read the facts alone until the next refresh rolls it again.
    for month in (2, 3, 5):
        with at(month, 10, 10):
            make_case("closed")
    with at(7, 1, 9):
        facts_rebuild()
    flt = filter_parse(user=manager, params=LONG, today=date(2026, 7, 15))
    rolled = metrics_summary(user=manager, flt=flt, now=NOW)
    assert rolled["as_of"] is not None and rolled["opened"] == 3
    RefreshMark.objects.filter(name="months").delete()
    Rollup.objects.all().delete()
    direct = metrics_summary(user=manager, flt=flt, now=NOW)
    assert direct["as_of"] is None
    assert {k: v for k, v in direct.items() if k != "as_of"} == {
        k: v for k, v in rolled.items() if k != "as_of"
    }
