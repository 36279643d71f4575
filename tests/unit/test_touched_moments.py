"""A refresh re-counts a changed case only on the days its changes can move.

Each figure declares the moment that dates it and the columns it reads, so
`figures.READS` says which moments a changed column touches: a category is
counted on the filing day, a priority in no rolled figure at all.
"""

from datetime import date

import pytest

from complaints.models import Category
from complaints.services import case_escalate, case_update
from dashboards import facts
from dashboards.facts import facts_rebuild, facts_refresh
from dashboards.metrics.figures import MOMENTS, READS
from dashboards.models import Rollup
from tests.unit.test_metrics_dataset import at

pytestmark = pytest.mark.django_db


def test_each_column_touches_the_moments_of_the_figures_that_read_it():
    assert READS["category_id"] == {"filed_at"}
    assert READS["stage"] == {"filed_at"}
    assert READS["assignee_id"] == {
        "filed_at",
        "closed_at",
        "fr_on_time_at",
        "fr_missed_at",
    }
    assert READS["resolution_seconds"] == {"resolved_at"}
    assert READS["team_id"] == set(MOMENTS)  # the rollup's grain
    assert "priority" not in READS and "channel" not in READS


@pytest.fixture
def spied(monkeypatch):
    """The days and moments each rollup tally of a refresh is asked for."""
    calls = []
    tally = facts.rollup_tally

    def spy(rows, days, now, **kwargs):
        calls.append((set(days), kwargs.get("changed")))
        return tally(rows, days, now, **kwargs)

    monkeypatch.setattr(facts, "rollup_tally", spy)
    return calls


def rollup() -> list[tuple]:
    """Every stored row, with both its columns of counts, comparable."""
    names = ("start", "month", "grain", "team_id", "counts", "groups")
    return sorted(Rollup.objects.values_list(*names), key=repr)


def test_a_case_moved_to_another_category_is_recounted_on_its_filing_day_only(
    make_case, manager, spied
):
    with at(1, 5, 10):
        case = make_case("closed")  # filed, answered, resolved, closed that day
    with at(2, 20, 10):
        case_escalate(case=case, level=1, by=manager, reason="late")
    with at(3, 1, 9):
        facts_rebuild()
    moved = Category.objects.create(name="Moved", slug="moved")
    with at(3, 2, 10):
        case_update(case=case, by=manager, category=moved)
    with at(3, 2, 10, 1):
        assert facts_refresh() == 1
        refreshed = rollup()
        facts_rebuild()
    assert refreshed == rollup()
    # Before and after: the filing day, and only the figures by category.
    assert spied == [({date(2026, 1, 5)}, {"category_id"})] * 2
    january = Rollup.objects.get(
        start=date(2026, 1, 1), month=True, grain=Rollup.Grain.ALL
    )
    assert january.groups[f"c:{moved.pk}"] == 1  # (the filings by category)


def test_a_new_priority_recounts_no_past_day(make_case, manager, spied):
    with at(1, 5, 10):
        case = make_case("closed")
    with at(3, 1, 9):
        facts_rebuild()
        before = rollup()
    with at(3, 2, 10):
        case_update(case=case, by=manager, priority="urgent")
    with at(3, 2, 10, 1):
        assert facts_refresh() == 1
    assert not any(days for days, _ in spied)
    assert rollup() == before
