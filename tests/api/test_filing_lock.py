"""Concurrent filings must not queue behind each other for the whole transaction.

The year's reference counter row is locked until commit; `case_file` must
take it in its last statement, so the lock covers the end of that statement
and the commit instead of the whole filing (customer, case, event, SLA
clocks). On PostgreSQL that statement writes the case with its reference, its
event, clocks and any rows filed with it (`complaints.writes`). This is what
lets the API file complaints in parallel (see bench/api_create.py).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.actors import Actor
from complaints.services import case_file
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_filing_locks_the_reference_counter_only_at_the_end(sla_policy):
    customer = CustomerFactory()
    with CaptureQueriesContext(connection) as captured:
        case = case_file(
            customer=customer,
            subject="Late",
            description="Very late",
            by=Actor.system("test"),
        )
    sqls = [q["sql"] for q in captured.captured_queries]
    lock = next(i for i, sql in enumerate(sqls) if "complaints_referencecounter" in sql)
    after_lock = [
        sql for sql in sqls[lock + 1 :] if not sql.startswith(("RELEASE", "COMMIT"))
    ]
    # The upsert takes the lock and the number in the filing's last statement.
    assert after_lock == [], after_lock
    assert case.reference.startswith("C-")
    case.refresh_from_db()
    assert case.reference.startswith("C-")
    assert case.deadlines.count() == 2
