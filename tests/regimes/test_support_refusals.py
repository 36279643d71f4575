"""Refusals of vulnerability and representation say whether a field is at
fault (InvalidInput: the API's 422, the page's field error) or a state stands
in the way (consent: 409), so the interfaces need no list of their own."""

import pytest

from complaints.exceptions import InvalidInput
from regimes.support import (
    SupportRefused,
    customer_representative_record,
    customer_vulnerability_record,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(team, agent):
    return CaseFactory.in_stage("listening", team=team, by=agent).customer


def test_a_representative_without_authority_or_email_is_refused_as_input(
    customer, agent
):
    with pytest.raises(InvalidInput) as refused:
        customer_representative_record(
            customer=customer,
            name="Claims R Us",
            kind="claims_management_firm",
            authority="",
            receives_letters="copy",
            by=agent,
        )
    assert refused.value.missing == ["authority", "email"]
    assert isinstance(refused.value, SupportRefused)


def test_an_unknown_driver_is_refused_as_input(customer, agent):
    with pytest.raises(InvalidInput) as refused:
        customer_vulnerability_record(
            customer=customer, drivers=["grumpy"], consent_from="x", by=agent
        )
    assert refused.value.missing == ["drivers"]


def test_drivers_without_consent_are_refused_as_a_state_not_input(customer, agent):
    with pytest.raises(SupportRefused) as refused:
        customer_vulnerability_record(customer=customer, drivers=["health"], by=agent)
    assert refused.value.missing == ["consent"]
    assert not isinstance(refused.value, InvalidInput)
