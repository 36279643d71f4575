"""Fixtures of the unit tests: offer limits and a case ready for offers."""

import pytest

from complaints.models import OfferLimit


@pytest.fixture
def limits(db):
    OfferLimit.objects.create(kind="refund", currency="GBP", max_amount="100.00")
    OfferLimit.objects.create(kind="credit", currency="GBP", max_amount="40.00")


@pytest.fixture
def resolving(make_case, limits):
    return make_case("resolving")
