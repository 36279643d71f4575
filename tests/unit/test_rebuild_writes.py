"""The nightly rebuild writes only what differs.

Beat rebuilds every fact and the whole rollup each night. Rewriting rows that
did not change would leave a dead copy of each (the tables grow to twice
their size between vacuums) and, for the rollup, emptied it first: a page
read during the rebuild counted no history at all. A rebuild of unchanged
data must write nothing, and a drifted row must still be put right.
"""

import re
from contextlib import contextmanager
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from complaints.models import Case
from dashboards.facts import facts_rebuild, facts_refresh
from dashboards.models import CaseFacts, Rollup
from tests.dashboard_state import all_time, rollup_rows

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
# (The rollup's merge writes inside a WITH: anywhere in the statement.)
WRITES = re.compile(
    r'(INSERT INTO|UPDATE|DELETE FROM)\s+"?dashboards_(casefacts|rollup)\b', re.I
)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    facts_refresh()  # no mark yet: every fact and the whole rollup
    return get_user_model().objects.get(username="manager")


@contextmanager
def writes():
    """The statements that write the facts or the rollup meanwhile (read as
    they are executed: unlike the debug log, nothing can clear them)."""
    found: list[str] = []

    def watch(execute, sql, params, many, context):
        if WRITES.search(sql):
            found.append(sql[:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield found


def stored() -> tuple[list, list]:
    return list(CaseFacts.objects.order_by("pk").values_list()), rollup_rows()


def test_a_rebuild_of_unchanged_data_writes_no_fact_and_no_rollup_row(demo):
    assert Rollup.objects.exists() and CaseFacts.objects.count() == Case.objects.count()
    before = stored()
    with writes() as written:
        assert facts_rebuild() == Case.objects.count()
    assert written == []
    assert stored() == before


def test_the_rebuild_puts_drifted_rows_right_and_deletes_stray_ones(demo):
    right, figures = stored(), all_time(demo)
    fact = CaseFacts.objects.order_by("pk").first()
    CaseFacts.objects.filter(pk=fact.pk).update(reopen_count=99, team=None)
    day = Rollup.objects.filter(month=False, grain=Rollup.Grain.ALL).first()
    Rollup.objects.filter(pk=day.pk).update(counts={"opened": 999, "closed": 1})
    month = Rollup.objects.filter(month=True, grain=Rollup.Grain.TEAM).first()
    Rollup.objects.filter(pk=month.pk).update(groups={})
    Rollup.objects.create(
        start=date(1990, 1, 1), grain=Rollup.Grain.ALL, counts={"opened": 5}
    )
    assert all_time(demo) != figures  # (the tampering shows)
    with writes() as written:
        facts_rebuild()
    assert stored() == right
    assert all_time(demo) == figures
    # Only what was wrong was written: one fact, and the rollup in a few statements.
    assert 1 <= len(written) <= 6


def test_a_page_read_during_the_rebuild_counts_every_past_day(demo, monkeypatch):
    import dashboards.months as months

    figures, seen = all_time(demo), []
    tally = months.rollup_tally

    def reading_meanwhile(*args, **kwargs):
        if not seen:  # as a page would, while the rebuild counts
            seen.append(all_time(demo))
        return tally(*args, **kwargs)

    monkeypatch.setattr(months, "rollup_tally", reading_meanwhile)
    facts_rebuild()
    assert seen == [figures]
