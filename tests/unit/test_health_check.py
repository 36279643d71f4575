"""The connection health check (config.postgresql): the socket first, the server if in doubt.

An idle connection with nothing to read is usable without a query (Django's
own check sends `SELECT 1` before every request's first query); one the
server ended is found unusable and replaced.
"""

import time

import pytest
from django.db import connection

from tests.connections import other_connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def last_query_of(pid: int) -> str:
    with other_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_an_idle_connection_is_usable_without_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() AS checked_here")
        pid = cursor.fetchone()[0]
    assert connection.is_usable()
    assert "checked_here" in last_query_of(pid)  # no SELECT 1 since


def test_a_connection_the_server_ended_is_replaced():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with other_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()
    # As at the start of a request: the check fails, the next query reconnects.
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
