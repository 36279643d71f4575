"""`config.rows.row_sql` sends each value as the ORM would send it.

Plain values in Django's own text, integer and boolean fields skip the
field's conversion (`config.rows.PLAIN`); everything else still goes through
`pre_save` and `get_db_prep_save`. Each row here is compared with what those
two calls give, field by field.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from api.models import CaseFiling, IdempotencyKey
from complaints.models import Case, Channel, Event, Priority
from config.rows import row_sql
from customers.models import Customer
from sla.models import Deadline

pytestmark = pytest.mark.django_db


def orm_params(row) -> list:
    """What the ORM sends for `row`'s columns (primary key left to the database)."""
    return [
        field.get_db_prep_save(field.pre_save(row, add=True), connection)
        for field in row._meta.concrete_fields
        if not (field.primary_key and getattr(row, field.attname) is None)
    ]


def filing_rows(now):
    customer = Customer(name="Ada", email="ada@example.com", created_at=now)
    customer.pk = 7
    case = Case(
        customer=customer,
        subject="Parcel arrived broken",
        description="The vase was in pieces.",
        channel=Channel.API,  # a str enum member: converted, not sent as is
        priority=Priority.HIGH,
        metadata={"order": "SO-1"},
        received_at=now,
        created_at=now,
        updated_at=now,
    )
    case.pk = 11
    return [
        customer,
        case,
        Event(case=case, actor_label="api:shop", kind="case_filed", data={"a": 1}),
        Deadline(
            case=case,
            kind="resolution",
            target_minutes=2400,
            started_at=now,
            consumed=timedelta(0),
            due_at=now,
            warn_at=now,
            next_check_at=now,
        ),
        CaseFiling(case=case, customer={"name": "Ada"}),
        IdempotencyKey(
            owner="client:x",
            key="k",
            body_hash="h",
            response_status=0,
            response_body={},
            created_at=now,
        ),
    ]


@pytest.mark.parametrize("index", range(6))
def test_each_value_is_sent_as_the_orm_sends_it(index):
    now = timezone.now()
    row = filing_rows(now)[index]
    # One instant for what both stamp (auto_now, auto_now_add): row_sql keeps
    # a timestamp set already, where save() would stamp it anew.
    with mock.patch("django.utils.timezone.now", return_value=now):
        _columns, _values, params = row_sql(row)
        expected = orm_params(row)
    assert len(params) == len(expected)
    for sent, orm in zip(params, expected, strict=True):
        assert type(sent) is type(orm)
        assert sent == orm or str(sent) == str(orm)


def test_a_value_of_another_type_is_still_converted():
    case = filing_rows(timezone.now())[1]
    case.escalation_level = "1"  # a string in an integer field
    case.subject = 42  # a number in a text field
    _columns, _values, params = row_sql(case)
    assert 1 in params and "42" in params
    assert "1" not in params and 42 not in params
