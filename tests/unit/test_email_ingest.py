"""Every message is stored and filed, ignored or refused with its reason; none twice."""

from pathlib import Path

import pytest

from complaints.models import Case, Message
from customers.models import Customer
from mail.models import InboundEmail
from mail.services import inbound_email_ingest
from notifications.models import Notification

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"


def ingest(name: str):
    return inbound_email_ingest(raw=(FIXTURES / name).read_bytes(), source=name)


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.REPLY_TO_ADDRESS = "care@example.com"
    settings.DEFAULT_FROM_EMAIL = "Redress <care@example.com>"


@pytest.mark.django_db
def test_a_new_message_files_an_email_case_for_the_matched_customer():
    existing = Customer.objects.create(name="Alice", email="Alice@Example.org")
    result = ingest("plain.eml")
    assert result.outcome == "created"
    case = Case.objects.get(reference=result.reference)
    assert case.channel == "email"
    assert case.customer == existing
    assert case.subject == "My parcel arrived broken"
    assert "in pieces" in case.description
    row = InboundEmail.objects.get()
    assert bytes(row.raw) == (FIXTURES / "plain.eml").read_bytes()
    assert (row.outcome, row.case, row.message_id) == (
        "created",
        case,
        "plain-1@example.org",
    )
    assert result.line() == f"created {case.reference}"


@pytest.mark.django_db
def test_an_unknown_sender_becomes_a_customer_named_from_the_header():
    result = ingest("iso8859.eml")
    case = Case.objects.get(reference=result.reference)
    assert (case.customer.name, case.customer.email) == (
        "Renée Dupré",
        "renee@example.fr",
    )
    assert case.subject == "Problème de livraison"


@pytest.mark.django_db
def test_the_same_message_twice_is_a_duplicate_even_with_other_bytes():
    assert ingest("same_id_a.eml").outcome == "created"
    assert ingest("same_id_b.eml").outcome == "duplicate"
    assert ingest("same_id_a.eml").line() == "duplicate"
    assert InboundEmail.objects.count() == 1
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_without_message_id_the_bytes_are_the_key():
    assert ingest("no_message_id.eml").outcome == "created"
    assert ingest("no_message_id.eml").outcome == "duplicate"
    assert InboundEmail.objects.get().dedupe_key.startswith("sha256:")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("out_of_office.eml", "auto-reply (Auto-Submitted: auto-replied)"),
        ("bulk.eml", "auto-reply (Precedence: bulk)"),
        ("bounce.eml", "bounce (delivery report)"),
        ("mailing_list.eml", "mailing list (List-Id)"),
    ],
)
def test_noise_is_ignored_and_kept(name, why):
    result = ingest(name)
    assert result.line() == f"ignored: {why}"
    assert not Case.objects.exists()
    assert InboundEmail.objects.get().reason == why


@pytest.mark.django_db
def test_mail_from_our_own_address_is_a_loop():
    raw = b"From: Redress <care+C-2026-000001@example.com>\r\nMessage-ID: <own@x>\r\n\r\nhello"
    assert (
        inbound_email_ingest(raw=raw).line()
        == "ignored: loop (from Redress's own address)"
    )


@pytest.mark.django_db
def test_a_sender_over_the_hourly_limit_is_a_loop(settings):
    settings.INBOUND_EMAIL_RATE_LIMIT = 3
    lines = [
        inbound_email_ingest(
            raw=f"From: bot@example.org\r\nMessage-ID: <r{i}@x>\r\n\r\nagain {i}".encode()
        ).line()
        for i in range(5)
    ]
    assert [line.split()[0] for line in lines] == ["created"] * 3 + ["ignored:"] * 2
    assert (
        lines[-1]
        == "ignored: loop (more than 3 messages from bot@example.org in an hour)"
    )


@pytest.mark.django_db
def test_broken_mail_is_refused_with_the_reason_and_kept():
    result = ingest("malformed_headers.eml")
    assert result.line() == "refused: no sender address"
    row = InboundEmail.objects.get()
    assert row.outcome == "refused" and bytes(row.raw).startswith(b"From: <<<")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\x00", b"From: x@y.z\r\n\r\n", b"Subject: \xff\r\n\r\n\x00"],
)
def test_nothing_raises_and_nothing_is_lost(raw):
    result = inbound_email_ingest(raw=raw)
    assert result.outcome in ("refused", "ignored")
    if raw.strip():
        assert InboundEmail.objects.filter(outcome=result.outcome).count() == 1


@pytest.mark.django_db
def test_a_message_with_only_quoted_text_or_nothing_is_no_text():
    result = inbound_email_ingest(
        raw=b"From: x@y.z\r\nMessage-ID: <e@x>\r\n\r\n   \r\n"
    )
    assert result.line() == "ignored: no text"


@pytest.mark.django_db
def test_a_failure_while_filing_is_refused_and_rolled_back(monkeypatch):
    import mail.services

    def boom(**kwargs):
        raise RuntimeError("database said no")

    monkeypatch.setattr(mail.services, "case_file", boom)
    result = ingest("plain.eml")
    assert result.line() == "refused: could not be filed (RuntimeError)"
    assert not Customer.objects.exists() or not Case.objects.exists()
    row = InboundEmail.objects.get()
    assert row.outcome == "refused" and row.message_id == "plain-1@example.org"
    assert ingest("plain.eml").outcome == "duplicate"


@pytest.mark.django_db
def test_oversized_mail_is_refused_but_kept(settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 100
    result = ingest("plain.eml")
    assert result.line() == "refused: larger than 100 bytes"
    assert InboundEmail.objects.get().message_id == "plain-1@example.org"


@pytest.mark.django_db
def test_a_big_attachment_is_listed_not_fatal():
    raw = (
        (FIXTURES / "lying_attachment.eml")
        .read_bytes()
        .replace(b"<lying-1@", b"<big-1@")
    )
    big = b"A" * (6 * 1024 * 1024)
    raw = raw.replace(
        b"--mx--",
        b"--mx\r\nContent-Type: video/mp4\r\n"
        b'Content-Disposition: attachment; filename="v.mp4"\r\n\r\n'
        + big
        + b"\r\n--mx--",
    )
    result = inbound_email_ingest(raw=raw)
    assert result.outcome == "created"
    row = InboundEmail.objects.get()
    assert {
        "name": "v.mp4",
        "type": "video/mp4",
        "content_type": "application/octet-stream",
        "size": len(big),
    } in row.attachments


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "title"),
    [("listening", "the customer replied"), ("closed", "closed case — reopen?")],
)
def test_a_reply_is_recorded_and_the_assignee_told(make_case, agent, stage, title):
    case = make_case(stage)
    raw = (
        f"From: {case.customer.email}\r\nTo: care@example.com\r\n"
        f"Subject: Re: [{case.reference}] hello\r\nMessage-ID: <cr@x>\r\n\r\nStill broken."
    ).encode()
    result = inbound_email_ingest(raw=raw)
    assert result.line() == f"appended {case.reference}"
    message = Message.objects.filter(case=case).last()
    assert (message.kind, message.body) == ("from_customer", "Still broken.")
    note = Notification.objects.get(recipient=agent, kind="customer_replied")
    assert title in note.title
    case.refresh_from_db()
    assert case.stage == stage  # only the lifecycle's reopen reopens
