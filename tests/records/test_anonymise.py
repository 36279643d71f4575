"""Anonymisation past retention: what goes, what stays, who is never touched."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from attachments.storage import attachment_storage
from complaints.exceptions import TransitionRefused
from complaints.lifecycle import transition
from complaints.models import Case, Category, Event, EventKind, Message
from complaints.search import cases_search
from customers.models import Customer
from mail.models import InboundEmail
from mail.services import inbound_email_ingest
from notifications.models import Outbox, OutboxStatus
from records.anonymise import CUSTOMER_NAME, case_anonymise, customer_anonymise
from records.exceptions import RecordsRefused
from records.holds import legal_hold_lift, legal_hold_place
from records.jobs import anonymise_expired
from records.models import AnonymisedCase, AnonymisedCustomer
from records.redaction import PLACEHOLDER
from tests.factories import StaffFactory

from .support import SECRET, attach, closed_case

pytestmark = pytest.mark.django_db
CLOSED = datetime(2022, 3, 15, 10, 0, tzinfo=UTC)
# FCA: three years from the closure.
ENDS = datetime(2025, 3, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(db):
    return StaffFactory(role="manager")


def anonymised(case) -> bool:
    return AnonymisedCase.objects.filter(case=case).exists()


def test_a_case_a_day_before_its_retention_ends_is_kept():
    case = closed_case(closed=CLOSED)
    done = anonymise_expired(now=ENDS - timedelta(days=1))
    assert done.cases == 0
    assert not anonymised(case)
    case.refresh_from_db()
    assert SECRET in case.description


def test_a_case_a_day_after_its_retention_ends_is_anonymised():
    case = closed_case(closed=CLOSED)
    done = anonymise_expired(now=ENDS + timedelta(days=1))
    assert done.cases == 1
    assert anonymised(case)
    case.refresh_from_db()
    assert case.description == PLACEHOLDER
    assert case.subject == PLACEHOLDER


def test_investment_business_is_kept_five_years():
    investment = Category.objects.create(name="Investments", slug="investment")
    case = closed_case(closed=CLOSED, category=investment)
    anonymise_expired(now=ENDS + timedelta(days=30))
    assert not anonymised(case)
    anonymise_expired(now=datetime(2027, 3, 16, 10, tzinfo=UTC))
    assert anonymised(case)


def test_a_regime_without_a_rule_keeps_default_retention_days(settings):
    settings.DEFAULT_RETENTION_DAYS = 100
    case = closed_case(closed=CLOSED, regime="none")
    anonymise_expired(now=CLOSED + timedelta(days=99))
    assert not anonymised(case)
    anonymise_expired(now=CLOSED + timedelta(days=101))
    assert anonymised(case)


def test_anonymising_replaces_the_words_and_keeps_the_rows(
    django_capture_on_commit_callbacks,
):
    case = closed_case(closed=CLOSED)
    attachment = attach(case)
    stored = attachment.storage_name
    messages_before = case.messages.count()
    events_before = case.events.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert case_anonymise(case=case, by=StaffFactory(role="manager"), now=ENDS)
    case.refresh_from_db()
    assert case.stage == "closed" and case.closed_at == CLOSED
    assert case.customer_account == PLACEHOLDER
    assert case.restatement == PLACEHOLDER
    assert case.resolution_summary == PLACEHOLDER
    assert set(case.messages.values_list("body", flat=True)) == {PLACEHOLDER}
    assert case.messages.count() == messages_before
    assert "Ada" not in "".join(case.messages.values_list("author_label", flat=True))
    attachment.refresh_from_db()
    assert attachment.filename == PLACEHOLDER
    assert attachment.size > 0 and len(attachment.sha256) == 64
    assert not attachment_storage().exists(stored)
    # Every event kept (one more: the anonymisation itself), no word left.
    assert case.events.count() == events_before + 1
    texts = str(list(case.events.values_list("before", "after", "data")))
    assert "vase" not in texts.lower() and "sorry" not in texts.lower()
    assert case.events.filter(kind=EventKind.CASE_ANONYMISED).exists()
    # The customer is shared: a case alone leaves their profile.
    assert case.customer.name == "Ada Quokka"


def test_anonymising_again_changes_nothing():
    case = closed_case(closed=CLOSED)
    actor = StaffFactory(role="manager")
    assert case_anonymise(case=case, by=actor, now=ENDS)
    events = case.events.count()
    assert case_anonymise(case=case, by=actor, now=ENDS) is False
    assert case.events.count() == events
    assert anonymise_expired(now=ENDS + timedelta(days=400)).cases == 0


def test_an_open_case_or_one_within_retention_is_refused():
    case = closed_case(closed=CLOSED)
    with pytest.raises(RecordsRefused) as refused:
        case_anonymise(
            case=case, by=StaffFactory(role="manager"), now=ENDS - timedelta(seconds=1)
        )
    assert refused.value.missing == ["within_retention"]
    Case.objects.filter(pk=case.pk).update(stage="listening")
    with pytest.raises(RecordsRefused):
        case_anonymise(case=case, by=StaffFactory(role="manager"), now=ENDS)


@pytest.mark.parametrize("on", ["case", "customer"])
def test_a_held_case_is_never_anonymised_until_the_hold_is_lifted(manager, on):
    case = closed_case(closed=CLOSED)
    target = {"case": case} if on == "case" else {"customer": case.customer}
    hold = legal_hold_place(reason="Litigation: claim 2025/77", by=manager, **target)
    assert case.events.filter(kind=EventKind.LEGAL_HOLD_PLACED).count() == 1
    later = ENDS + timedelta(days=900)
    assert anonymise_expired(now=later).cases == 0
    with pytest.raises(RecordsRefused):
        case_anonymise(case=case, by=manager, now=later)
    case.refresh_from_db()
    assert SECRET in case.description
    assert set(Message.objects.filter(case=case).values_list("body", flat=True)) != {
        PLACEHOLDER
    }
    legal_hold_lift(hold=hold, reason="Claim settled", by=manager)
    assert anonymise_expired(now=later).cases == 1


def test_only_managers_hold_and_a_reason_is_needed(manager):
    case = closed_case(closed=CLOSED)
    agent = StaffFactory(role="agent")
    with pytest.raises(RecordsRefused) as refused:
        legal_hold_place(case=case, reason="Because", by=agent)
    assert refused.value.missing == ["role"]
    with pytest.raises(RecordsRefused) as refused:
        legal_hold_place(case=case, reason="  ", by=manager)
    assert refused.value.missing == ["reason"]


def test_a_customer_with_a_case_still_kept_is_not_anonymised(manager):
    old = closed_case(closed=CLOSED)
    recent = closed_case(closed=CLOSED + timedelta(days=365), customer=old.customer)
    with pytest.raises(RecordsRefused) as refused:
        customer_anonymise(
            customer=old.customer, by=manager, now=ENDS + timedelta(days=1)
        )
    assert refused.value.missing == [recent.reference]
    assert not anonymised(old)  # all or nothing
    done = anonymise_expired(now=ENDS + timedelta(days=1))
    assert done.cases == 1 and done.customers == 0
    customer = Customer.objects.get(pk=old.customer_id)
    assert customer.name == "Ada Quokka"
    done = anonymise_expired(now=ENDS + timedelta(days=366))
    assert done.cases == 1 and done.customers == 1
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.phone) == (CUSTOMER_NAME, "", "")
    assert AnonymisedCustomer.objects.filter(customer=customer).exists()


def test_a_held_customer_is_not_anonymised(manager):
    case = closed_case(closed=CLOSED)
    legal_hold_place(customer=case.customer, reason="Regulator inquiry", by=manager)
    with pytest.raises(RecordsRefused):
        customer_anonymise(
            customer=case.customer, by=manager, now=ENDS + timedelta(days=9)
        )


@pytest.mark.postgres
def test_search_forgets_the_old_words(manager):
    case = closed_case(closed=CLOSED)
    assert list(cases_search(user=manager, text=SECRET)) == [case]
    assert list(cases_search(user=manager, text="Quokka")) == [case]
    customer_anonymise(customer=case.customer, by=manager, now=ENDS + timedelta(days=1))
    assert list(cases_search(user=manager, text=SECRET)) == []
    assert list(cases_search(user=manager, text="Quokka")) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_document::text FROM complaints_case WHERE id = %s", [case.pk]
        )
        document = cursor.fetchone()[0]
    assert "quokka" not in document and "zanzibar" not in document


def test_the_timeline_stays_append_only_after_the_anonymiser(manager):
    gone = closed_case(closed=CLOSED)
    kept = closed_case(closed=CLOSED + timedelta(days=400))
    case_anonymise(case=gone, by=manager, now=ENDS + timedelta(days=1))
    event = Event.objects.filter(case=kept).first()
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complaints_event SET actor_label = 'x' WHERE id = %s", [event.pk]
        )


def test_the_command_dry_run_prints_and_changes_nothing():
    case = closed_case(closed=CLOSED)
    out = StringIO()
    call_command(
        "anonymise_expired",
        "--dry-run",
        "--at",
        "2025-03-16T10:00:00+00:00",
        stdout=out,
    )
    assert f"would anonymise case {case.reference}" in out.getvalue()
    assert not anonymised(case)
    out = StringIO()
    call_command("anonymise_expired", "--at", "2025-03-16T10:00:00+00:00", stdout=out)
    assert f"anonymised case {case.reference}" in out.getvalue()
    assert "anonymised customer" in out.getvalue()
    assert anonymised(case)


def test_emails_in_and_out_lose_their_words(manager):
    raw = (
        b"From: Ada Quokka <ada@quokka.example>\r\nTo: care@example.com\r\n"
        b"Subject: My zanzibarquokka\r\nMessage-ID: <q1@quokka.example>\r\n\r\n"
        b"Please call me about the zanzibarquokka.\r\n"
    )
    result = inbound_email_ingest(raw=raw, source="test")
    case = Case.objects.get(reference=result.reference)
    transition(case, "closed", by=manager, close_reason="withdrawn")
    Case.objects.filter(pk=case.pk).update(regime="fca", closed_at=CLOSED)
    sent = Outbox.objects.create(
        key=f"test:{case.pk}",
        to="ada@quokka.example",
        subject="Re: zanzibarquokka",
        body="Dear Ada",
        case=case,
        status=OutboxStatus.SENT,
        created_at=CLOSED,
        next_attempt_at=CLOSED,
    )
    customer_anonymise(customer=case.customer, by=manager, now=ENDS + timedelta(days=1))
    email = InboundEmail.objects.get(case=case)
    assert (email.sender, email.text, bytes(email.raw)) == ("", "", b"")
    assert email.subject == PLACEHOLDER
    assert email.dedupe_key  # the same message is still never taken twice
    sent.refresh_from_db()
    assert (sent.to, sent.body) == ("", PLACEHOLDER)


def test_an_anonymised_case_is_never_reopened(manager):
    case = closed_case(closed=CLOSED)
    case_anonymise(case=case, by=manager, now=ENDS)
    with pytest.raises(TransitionRefused) as refused:
        transition(case, "listening", by=manager, reason="Customer came back")
    assert refused.value.missing == ["anonymised"]
    case.refresh_from_db()
    assert case.stage == "closed"


def test_a_closed_case_within_retention_still_reopens(manager):
    case = closed_case(closed=CLOSED)
    transition(case, "listening", by=manager, reason="Customer came back")
    case.refresh_from_db()
    assert case.stage == "listening"


def test_the_nightly_beat_task_anonymises_what_is_past_retention(settings):
    from config.celery import app
    from records.tasks import anonymise_expired as task

    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-expired-nightly"]
    assert entry["task"] == task.name and task.name in app.tasks
    case = closed_case(closed=datetime(2020, 1, 6, tzinfo=UTC))
    assert task.apply().get() == 2  # the case and its customer
    assert anonymised(case)


def test_metadata_keeps_only_the_product(manager):
    case = closed_case(closed=CLOSED)
    Case.objects.filter(pk=case.pk).update(
        metadata={"product": "kettle", "loyalty_number": "ADA-77"}
    )
    case_anonymise(case=case, by=manager, now=ENDS)
    case.refresh_from_db()
    assert case.metadata == {"product": "kettle"}
