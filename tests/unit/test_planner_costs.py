"""Every PostgreSQL connection plans with the cost of a page read out of
order that SSDs and memory have (`DB_RANDOM_PAGE_COST`, 1.1), not the
server's default for spinning disks (4): with that default the planner walks
the cases table for the dashboards' figures about open cases where an index
alone answers (550 ms against 225 at a million cases in filing order)."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_connections_plan_with_the_page_cost_of_ssds():
    assert settings.RANDOM_PAGE_COST == "1.1"
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
