"""Migration dashboards.0023: the facts' moments become whole minutes in place.

Each moment keeps its instant to the minute (rounded down), an empty one
stays empty, and one beyond what four bytes of minutes hold is held at the
last of them; going back gives the moments to the minute.
"""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.db import connection

from dashboards.facts import facts_refresh
from dashboards.models import FIRST_MINUTE, LAST_MINUTE, CaseFacts, Moment
from tests.migrating import latest_schema, migrate  # noqa: F401

BEFORE = [("dashboards", "0022_vacuum_rebuilt")]
AFTER = [("dashboards", "0023_moments_in_minutes")]
FILED = datetime(2026, 3, 4, 10, 15, 59, 999999, tzinfo=UTC)
FAR = datetime(9999, 12, 31, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.usefixtures("latest_schema")
def test_moments_become_minutes_and_empty_ones_stay_empty(make_case):
    case = make_case("acknowledged")
    facts_refresh()
    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dashboards_casefacts SET filed_at = %s, active_until = %s,"
            " fr_missed_at = %s, closed_at = NULL, unhappy_at = NULL"
            " WHERE case_id = %s",
            [FILED, FAR, FAR, case.pk],
        )
    migrate(AFTER)
    row = CaseFacts.objects.get(pk=case.pk)
    assert row.filed_at == datetime(2026, 3, 4, 10, 15, tzinfo=UTC)
    assert row.fr_missed_at == row.active_until == Moment.of(LAST_MINUTE)
    assert row.closed_at is None and row.unhappy_at is None
    assert CaseFacts.objects.filter(closed_at__isnull=True).count() == 1
    migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT filed_at, closed_at FROM dashboards_casefacts WHERE case_id = %s",
            [case.pk],
        )
        assert cursor.fetchone() == (datetime(2026, 3, 4, 10, 15, tzinfo=UTC), None)


def test_a_moment_is_stored_to_the_minute_and_read_as_it():
    field = Moment()
    moment = datetime(2026, 3, 4, 10, 15, 30, tzinfo=UTC)
    assert field.to_python(moment) == datetime(2026, 3, 4, 10, 15, tzinfo=UTC)
    assert field.get_prep_value(Moment.of(123)) == 123
    assert field.to_python(datetime(1, 1, 1, tzinfo=UTC)).year == 1
    assert field.to_python(None) is None


def test_the_migration_holds_moments_in_the_fields_range():
    migration = import_module("dashboards.migrations.0023_moments_in_minutes")
    assert (migration.FIRST, migration.LAST) == (FIRST_MINUTE, LAST_MINUTE)
