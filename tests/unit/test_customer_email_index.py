"""Matching a filer's email to a customer is an index lookup, not a scan.

The `customer_email_ci` index holds `LOWER(email)`; a match written as
`email__iexact` (`UPPER(email) = UPPER(…)`) cannot use it and reads every
customer on each filing, slower as the table grows.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints.actors import Actor
from customers.services import customer_match_or_create, same_email_as
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_email_match_uses_the_case_insensitive_index():
    CustomerFactory(email="Ada@Example.com")
    assert "customer_email_ci" in plan(same_email_as("ada@example.COM"))
    assert list(same_email_as("ada@example.COM").values_list("email", flat=True)) == [
        "Ada@Example.com"
    ]


def test_a_filing_matches_by_the_indexed_expression_and_ignores_case():
    known = CustomerFactory(email="Grace@Example.com")
    with CaptureQueriesContext(connection) as captured:
        found, created = customer_match_or_create(
            email="grace@EXAMPLE.com", name="G", by=Actor.system("test")
        )
    assert (found.pk, created) == (known.pk, False)
    match = next(q["sql"] for q in captured.captured_queries if "LOWER" in q["sql"])
    assert "LOWER(email::text) = LOWER(" in match


def test_the_first_customer_with_an_email_is_read_from_the_index_in_order():
    # A filing takes the first customer by id with the email. Read in the
    # index's own order, that is one index entry; an index of the email alone
    # leaves a sort, or a walk along the primary key that filters every
    # customer when the email is new (the planner's choice once its row
    # estimate for the email grew: 30 ms a filing at 80,000 customers).
    for n in range(3):
        CustomerFactory(email=f"same{n % 2}@example.com")
    first = same_email_as("SAME0@example.com").order_by("id")[:1]
    shape = plan(first)
    assert "customer_email_ci" in shape
    assert "Sort" not in shape and "Filter" not in shape, shape
