"""The facts table is narrow: four-byte moments and keys, two-byte codes,
widest first.

The priority, channel and stage are stored as their place in the field's
codes, and read, written and filtered as their text.
"""

import pytest
from django.db import connection

from dashboards.facts import facts_refresh
from dashboards.models import CaseFacts

pytestmark = pytest.mark.django_db
WIDTHS = {"timestamp with time zone": 8, "integer": 4, "smallint": 2, "boolean": 1}


@pytest.mark.postgres
def test_moments_and_keys_take_four_bytes_codes_two_widest_first():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = 'dashboards_casefacts' ORDER BY ordinal_position"
        )
        columns = cursor.fetchall()
    types = dict(columns)
    for key in ("case_id", "team_id", "category_id", "assignee_id", "customer_id"):
        assert types[key] == "integer"
    for moment in ("filed_at", "active_until", "closed_at", "unhappy_at"):
        assert types[moment] == "integer"
    for code in ("priority", "channel", "stage"):
        assert types[code] == "smallint"
    widths = [WIDTHS[kind] for _, kind in columns]
    assert widths == sorted(widths, reverse=True)


def test_codes_are_read_written_and_filtered_as_text(make_case):
    case = make_case("acknowledged", priority="high")
    facts_refresh()
    row = CaseFacts.objects.get(pk=case.pk)
    assert (row.priority, row.stage) == ("high", "acknowledged")
    assert CaseFacts.objects.filter(priority="high", stage__in=["acknowledged"]).count()
    assert not CaseFacts.objects.filter(priority="low").exists()
    assert CaseFacts.objects.values_list("channel", flat=True).get() == case.channel
