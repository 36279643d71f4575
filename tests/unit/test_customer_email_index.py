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
