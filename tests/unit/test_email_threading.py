"""A reply joins its case: by the message it answers, its address, or its subject."""

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from django.core import mail

from complaints.models import Case, Message
from complaints.services import message_post
from mail.services import inbound_email_ingest
from notifications.models import Notification, Outbox
from notifications.services import outbox_deliver_many


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.REPLY_TO_ADDRESS = "care@example.com"
    settings.DEFAULT_FROM_EMAIL = "Redress <care@example.com>"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def reply_to(sent, *, body: str, sender: str, **headers) -> bytes:
    """Build the customer's reply to an email Redress sent, as a mail client would."""
    original = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(original.get("Reply-To") or original["From"])
    reply["Subject"] = f"Re: {original['Subject']}"
    reply["Message-ID"] = headers.pop("message_id", "<reply-1@customer.example>")
    reply["In-Reply-To"] = original["Message-ID"]
    reply["References"] = " ".join(
        filter(None, [str(original.get("References") or ""), original["Message-ID"]])
    )
    for name, value in headers.items():
        reply[name] = value
    reply.set_content(f"{body}\n\nOn Monday, Redress wrote:\n> {sent.body[:40]}\n")
    return reply.as_bytes()


def send_staff_reply(case, agent, text="We are looking into it."):
    message_post(case=case, body=text, visibility="customer", by=agent)
    outbox_deliver_many(
        ids=Outbox.objects.filter(case=case).values_list("pk", flat=True)
    )
    return mail.outbox[-1]


@pytest.mark.django_db(transaction=True)
def test_a_reply_to_what_redress_sent_lands_on_the_case(make_case, agent):
    case = make_case("listening")
    sent = send_staff_reply(case, agent)
    raw = reply_to(sent, body="Thank you, please hurry.", sender="someone@else.example")
    result = inbound_email_ingest(raw=raw)
    assert result.line() == f"appended {case.reference}"
    message = Message.objects.filter(case=case).last()
    assert (
        message.kind == "from_customer" and message.body == "Thank you, please hurry."
    )
    assert message.author_label == "customer"
    assert Notification.objects.filter(
        recipient=agent, case=case, kind="customer_replied"
    ).exists()
    # …and a reply to that stored reply threads too.
    again = EmailMessage()
    again["From"] = case.customer.email
    again["Message-ID"] = "<reply-2@customer.example>"
    again["In-Reply-To"] = "<reply-1@customer.example>"
    again.set_content("One more thing.")
    assert (
        inbound_email_ingest(raw=again.as_bytes()).line()
        == f"appended {case.reference}"
    )


@pytest.mark.django_db
def test_a_forged_outbox_id_does_not_thread(make_case):
    case = make_case("listening")
    row = Outbox.objects.create(
        key="k:1",
        to="x@y.z",
        subject="s",
        body="b",
        case=case,
        created_at=case.created_at,
        next_attempt_at=case.created_at,
    )
    forged = f"<outbox-{row.pk}.other-key@redress>"
    raw = f"From: new@example.org\r\nMessage-ID: <f@x>\r\nIn-Reply-To: {forged}\r\n\r\nHello".encode()
    assert inbound_email_ingest(raw=raw).outcome == "created"


@pytest.mark.django_db
def test_the_plus_tagged_reply_address_joins_the_case(make_case):
    case = make_case("listening")
    raw = (
        f"From: Someone <x@example.org>\r\nTo: Care <care+{case.reference}@example.com>\r\n"
        "Message-ID: <plus@x>\r\nSubject: about my case\r\n\r\nAny news?"
    ).encode()
    assert inbound_email_ingest(raw=raw).line() == f"appended {case.reference}"


@pytest.mark.django_db
def test_the_subject_tag_joins_only_from_the_cases_customer(make_case):
    case = make_case("listening")
    stranger = (
        f"From: other@example.org\r\nMessage-ID: <s1@x>\r\nSubject: Re: [{case.reference}] hi\r\n\r\nMe too"
    ).encode()
    result = inbound_email_ingest(raw=stranger)
    assert result.outcome == "created" and result.reference != case.reference
    own = (
        f"From: {case.customer.email.upper()}\r\nMessage-ID: <s2@x>\r\n"
        f"Subject: Re: [{case.reference}] hi\r\n\r\nStill waiting"
    ).encode()
    assert inbound_email_ingest(raw=own).line() == f"appended {case.reference}"


@pytest.mark.django_db
def test_an_unknown_reference_files_a_new_case(make_case):
    raw = (
        b"From: a@example.org\r\nTo: care+C-2099-999999@example.com\r\nMessage-ID: <u@x>\r\n"
        b"In-Reply-To: <nothing-we-know@x>\r\n\r\nHello"
    )
    result = inbound_email_ingest(raw=raw)
    assert result.outcome == "created"
    assert Case.objects.get(reference=result.reference).channel == "email"
