"""The figures read from their own rows can be answered from the covering
indexes alone (migration dashboards 0013): every column of the period's
offers or follow-ups, and of their cases, that the figure's query reads is
carried by one index. A figure that starts reading a column its index does
not carry (and so visits every row again) fails here.
"""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.metrics import filter_parse, rows

pytestmark = pytest.mark.django_db
FIGURES = {
    "offers": (rows.offer_figures, "complaints_offer", "dash_offer_made"),
    "goodwill": (rows.recovery_figures, "complaints_offer", "dash_offer_made"),
    "agent scores": (rows.agent_scores, "followups_followup", "dash_followup_done"),
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


@pytest.mark.parametrize("who", ["manager", "lead"])  # the lead filters by team
@pytest.mark.parametrize("figure", FIGURES)
def test_the_period_rows_and_their_cases_are_read_from_one_index_each(
    who, figure, request
):
    if connection.vendor != "postgresql":
        pytest.skip("the indexes are PostgreSQL's")
    user = request.getfixturevalue(who)
    flt = filter_parse(user=user, params={"period": "90d"}, today=date(2026, 8, 1))
    figures, table, index = FIGURES[figure]
    with CaptureQueriesContext(connection) as captured:
        figures(flt=flt)
    # The period's rows (the pending approvals now are another query).
    (sql,) = [
        q["sql"]
        for q in captured
        if f'FROM "{table}"' in q["sql"] and "pending_approval" not in q["sql"]
    ]
    assert read(sql, table) and read(sql, table) <= carried(index)
    assert read(sql, "complaints_case") <= carried("dash_case_dims")
