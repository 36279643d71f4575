"""The figures counted per offer and follow-up find their own rows by a plain
index on their time (migration dashboards 0025: a covering one cost three
times the size and saved no measurable time once the rollup held every past
day) and read their case's dimensions from the case's facts (migration
dashboards 0024), for today's figures and the rollup's days: of the case
row only its key (the join to the facts). A figure that starts reading the
case row itself fails here.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Offer
from dashboards.metrics import filter_parse
from dashboards.metrics.items import item_tally

pytestmark = pytest.mark.django_db
INDEXES = {
    "complaints_offer": ("dash_offer_created", {"created_at"}),
    "followups_followup": ("dash_followup_completed", {"completed_at"}),
}


def carried(index: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE c.relname = %s",
            [index],
        )
        return {name for (name,) in cursor.fetchall()}


def read(sql: str, table: str) -> set[str]:
    return set(re.findall(rf'"{table}"\."(\w+)"', sql))


@pytest.mark.parametrize("daily", [False, True])  # today's, and the rollup's
@pytest.mark.parametrize("who", ["manager", "lead"])  # the lead filters by team
def test_the_period_rows_are_found_by_time_and_their_cases_by_key(who, daily, request):
    if connection.vendor != "postgresql":
        pytest.skip("the indexes are PostgreSQL's")
    user = request.getfixturevalue(who)
    flt = filter_parse(user=user, params={"period": "90d"}, today=date(2026, 8, 1))
    with CaptureQueriesContext(connection) as captured:
        item_tally(flt, timezone.now(), daily=daily)
    checked = 0
    for sql in (q["sql"] for q in captured):
        for table, (index, time) in INDEXES.items():
            # The offers made and the follow-ups completed in the period (the
            # follow-ups due are found by their own index), by the moment
            # their one narrow index holds.
            if f'FROM "{table}"' in sql and '"due_at" >=' not in sql:
                assert carried(index) == time
                assert any(f'"{table}"."{t}" >=' in sql for t in time)
                assert read(sql, "complaints_case") <= {"id"}  # the key, to the facts
                assert ")::" not in sql  # the keys joined as they are (no cast)
                checked += 1
    # Offers and goodwill, follow-ups done and agent scores: for a period in
    # one query per source, for the rollup's days in one per figure.
    assert checked == (4 if daily else 2)


@pytest.mark.postgres
def test_the_facts_join_a_case_by_key_without_a_cast():
    """A case's eight-byte key meets its facts' four-byte one as it is: a cast
    of either side hides that side's index (config.postgresql)."""
    sql = str(Offer.objects.filter(case__facts__team_id=1).values("pk").query)
    joined = re.search(r'INNER JOIN "dashboards_casefacts" ON \((.*?)\) WHERE', sql)
    assert joined, sql
    assert joined[1] == '"complaints_case"."id" = "dashboards_casefacts"."case_id"'
