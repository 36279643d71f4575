"""Case references: `C-YYYY-NNNNNN`, one counter per year, never shared.

Uniqueness under concurrent filing is in test_concurrency.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from complaints.actors import Actor
from complaints.models import Case, ReferenceCounter
from complaints.services import case_file
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def file_one() -> Case:
    return case_file(
        customer=CustomerFactory(),
        subject="s",
        description="d",
        by=Actor.system("test"),
    )


def test_a_reference_names_the_year_and_a_six_digit_number():
    with time_machine.travel(datetime(2031, 5, 4, 12, tzinfo=UTC)):
        case = file_one()

    assert re.fullmatch(r"C-2031-\d{6}", case.reference)


def test_references_count_up_within_a_year():
    with time_machine.travel(datetime(2031, 5, 4, 12, tzinfo=UTC)):
        first, second = file_one(), file_one()

    assert (first.reference, second.reference) == ("C-2031-000001", "C-2031-000002")


def test_a_new_year_starts_again_at_one():
    with time_machine.travel(datetime(2031, 12, 31, 23, 59, tzinfo=UTC)):
        old = file_one()
    with time_machine.travel(datetime(2032, 1, 1, 0, 1, tzinfo=UTC)):
        new = file_one()

    assert (old.reference, new.reference) == ("C-2031-000001", "C-2032-000001")
    assert dict(ReferenceCounter.objects.values_list("year", "last")) == {
        2031: 1,
        2032: 1,
    }


def test_the_millionth_case_of_a_year_still_gets_a_unique_reference():
    ReferenceCounter.objects.create(year=2031, last=999_999)

    with time_machine.travel(datetime(2031, 5, 4, 12, tzinfo=UTC)):
        case = file_one()

    assert case.reference == "C-2031-1000000"


def test_the_reference_cannot_be_edited_through_forms():
    assert Case._meta.get_field("reference").editable is False
    assert Case._meta.get_field("reference").unique
