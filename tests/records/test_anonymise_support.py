"""Anonymisation reaches the vulnerability, the representative and the letters'
addresses: their words and identities go, the drivers and the letters' texts stay."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from customers.models import Customer, Representative, Vulnerability
from records.anonymise import (
    REPRESENTATIVE_NAME,
    case_anonymise,
    customer_anonymise,
)
from records.jobs import anonymise_expired
from records.redaction import PLACEHOLDER
from regimes.models import ApprovalStatus, Letter, LetterApproval
from regimes.selectors import regime_version
from regimes.sending import letter_recipients
from tests.factories import StaffFactory

from .support import (
    ADJUSTMENTS,
    AUTHORITY,
    CONSENT,
    REP_EMAIL,
    REP_NAME,
    closed_case,
    supported,
)

pytestmark = pytest.mark.django_db
CLOSED = datetime(2022, 3, 15, 10, 0, tzinfo=UTC)
AFTER = datetime(2025, 3, 16, 10, 0, tzinfo=UTC)  # FCA: three years on, a day past
DRAFT = "Dear Ada, we refuse because of your zanzibarquokka."
NOTE = "Ada's daughter says she is in hospital; say it gently."


@pytest.fixture
def manager(db):
    return StaffFactory(role="manager")


def sent_letter(case, body: str = "Dear Ada, our final response.") -> Letter:
    letter = Letter(
        case=case,
        regime=regime_version(code="fca", on=CLOSED.date()),
        kind="final_response",
        outcome="upheld",
        body=body,
        sha256="a" * 64,
        pdf=b"%PDF-1.4 letter",
        pdf_sha256="b" * 64,
        to="ada@quokka.example",
        copy_to=REP_EMAIL,
        sent_at=CLOSED,
        sent_by_label="test",
    )
    letter.save()
    return letter


def approval(case, *, status: str, body: str, letter=None) -> LetterApproval:
    return LetterApproval.objects.create(
        case=case,
        kind="final_response",
        outcome="not_upheld",
        body=body,
        sha256="c" * 64,
        status=status,
        requested_by_label="agent",
        requested_at=CLOSED,
        decided_at=CLOSED,
        note=NOTE,
        letter=letter,
    )


def the_case():
    case = closed_case(closed=CLOSED)
    supported(case.customer)
    return case


def test_the_vulnerability_and_representative_lose_their_words(manager):
    case = the_case()
    vulnerability = Vulnerability.objects.get(customer=case.customer)
    consented_at = vulnerability.consent_at

    assert customer_anonymise(customer=case.customer, by=manager, now=AFTER)

    vulnerability.refresh_from_db()
    assert vulnerability.adjustments == PLACEHOLDER
    assert vulnerability.consent_from == PLACEHOLDER
    # The drivers stay: past returns count this customer's complaints as a
    # vulnerable customer's; with no name or words they point at no one.
    assert vulnerability.drivers == ["health", "life_events"]
    assert vulnerability.consent_at == consented_at
    rep = Representative.objects.get(customer=case.customer)
    assert (rep.name, rep.email, rep.authority) == (
        REPRESENTATIVE_NAME,
        "",
        PLACEHOLDER,
    )
    assert rep.kind == "power_of_attorney"
    assert rep.receives_letters == "no"
    # Nothing is left to send a letter's copy to.
    customer = Customer.objects.get(pk=case.customer_id)
    assert letter_recipients(customer) == ("", "")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.*, r.* FROM customers_vulnerability v, customers_representative r"
            " WHERE v.customer_id = %s AND r.customer_id = %s",
            [case.customer_id, case.customer_id],
        )
        stored = str(cursor.fetchall())
    for word in (ADJUSTMENTS, CONSENT, REP_NAME, REP_EMAIL, AUTHORITY, "Grace"):
        assert word not in stored


def test_letters_lose_their_addresses_and_keep_their_text(manager):
    case = the_case()
    letter = sent_letter(case)
    kept = (letter.body, letter.sha256, bytes(letter.pdf), letter.pdf_sha256)

    assert case_anonymise(case=case, by=manager, now=AFTER)

    letter = Letter.objects.get(pk=letter.pk)
    assert (letter.to, letter.copy_to) == ("", "")
    assert (letter.body, letter.sha256, bytes(letter.pdf), letter.pdf_sha256) == kept
    # A case alone leaves the customer's own records: they may still be a customer.
    rep = Representative.objects.get(customer=case.customer)
    assert rep.name == REP_NAME and rep.email == REP_EMAIL
    assert Vulnerability.objects.get(customer=case.customer).adjustments == ADJUSTMENTS


def test_a_draft_never_sent_and_the_approvers_notes_lose_their_words(manager):
    case = the_case()
    letter = sent_letter(case, body=DRAFT)
    sent = approval(case, status=ApprovalStatus.SENT, body=DRAFT, letter=letter)
    refused = approval(case, status=ApprovalStatus.REFUSED, body=DRAFT)

    assert anonymise_expired(now=AFTER).customers == 1

    sent.refresh_from_db()
    refused.refresh_from_db()
    assert (refused.body, refused.note) == (PLACEHOLDER, PLACEHOLDER)
    assert sent.note == PLACEHOLDER
    # The approved text of a letter sent is that letter's, kept as it is.
    assert sent.body == DRAFT == Letter.objects.get(pk=letter.pk).body
    assert refused.sha256 == "c" * 64 and refused.status == ApprovalStatus.REFUSED


def test_a_customer_without_support_records_is_anonymised_as_before(manager):
    case = closed_case(closed=CLOSED)
    assert customer_anonymise(
        customer=case.customer, by=manager, now=AFTER + timedelta(days=1)
    )
    assert not Vulnerability.objects.exists()
    assert not Representative.objects.exists()
