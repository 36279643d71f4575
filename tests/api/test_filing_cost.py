"""What one API filing costs: a fixed, capped number of SQL queries.

The cap is the filing path's budget (issue 15): a change that adds a query to
every create fails here and must earn its place. Counts are taken after a
first create has warmed the process memos (`config.memo`), as in a worker.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Case, Event
from sla.models import Deadline
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
# BEGIN, the customer matched or inserted (one statement), the case with its
# reference counter, event, deadlines and filing echo (one statement), COMMIT.
MAX_QUERIES = 4
# … and the key's row (with its lock limit) and the stored response.
MAX_QUERIES_IDEMPOTENT = 6
# A known customer's filing is then compared with their other cases (the
# duplicate check after commit: its own transaction, lock, two reads).
DUPLICATE_CHECK = 5


def file_one(client, n: int, *, idempotent: bool) -> int:
    body = complaint_body(
        customer={"email": f"cost{n}-{uuid.uuid4().hex[:6]}@example.com", "name": "C"}
    )
    extra = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if idempotent else {}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, body, format="json", **extra)
    assert response.status_code == 201, response.content
    return len(captured)


@pytest.mark.parametrize(
    ("idempotent", "cap"), [(False, MAX_QUERIES), (True, MAX_QUERIES_IDEMPOTENT)]
)
def test_a_create_costs_a_constant_capped_number_of_queries(
    service, sla_policy, idempotent, cap
):
    file_one(service, 0, idempotent=idempotent)  # warm the memos
    counts = [file_one(service, n, idempotent=idempotent) for n in range(1, 4)]
    print(f"queries per create (Idempotency-Key: {idempotent}): {counts}")
    assert len(set(counts)) == 1, counts
    assert counts[0] <= cap
    # …and every guarantee is still there: clocks and the timeline event.
    assert Deadline.objects.count() == 2 * Case.objects.count()
    assert Event.objects.filter(kind="case_filed").count() == Case.objects.count()


def test_a_create_for_a_known_customer_costs_no_more(service, sla_policy):
    service.post(URL, complaint_body(), format="json")
    other = complaint_body(subject="Refund missing", description="Still no money.")
    with CaptureQueriesContext(connection) as captured:
        response = service.post(URL, other, format="json")
    assert response.status_code == 201
    # The customer is matched (no insert) and looked at for a duplicate instead.
    assert len(captured) <= MAX_QUERIES + DUPLICATE_CHECK
    assert Case.objects.filter(customer__email="ada@example.com").count() == 2
