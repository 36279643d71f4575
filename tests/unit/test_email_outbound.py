"""Email to customers (CONTRACT §12): [ref] subject, threading headers, Reply-To, and
text + HTML from the templates managers edit; the moves that email the customer."""

from email import message_from_bytes, policy

import pytest
from django.core import mail

from complaints import lifecycle
from complaints.services import message_post
from mail.models import EmailTemplate
from mail.services import inbound_email_ingest
from notifications.models import Outbox
from notifications.services import outbox_deliver_many


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.REPLY_TO_ADDRESS = "care@example.com"
    settings.DEFAULT_FROM_EMAIL = "Redress <care@example.com>"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def deliver(case) -> list:
    mail.outbox.clear()
    ids = Outbox.objects.filter(case=case).order_by("pk").values_list("pk", flat=True)
    outbox_deliver_many(ids=ids)
    return [
        message_from_bytes(m.message().as_bytes(), policy=policy.default)
        for m in mail.outbox
    ]


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


@pytest.mark.django_db
def test_customer_emails_are_tagged_threaded_and_have_text_and_html(make_case, agent):
    case = make_case("acknowledged")  # the apology was emailed
    ref = case.reference
    inbound = (
        f"From: {case.customer.email}\r\nTo: care+{ref}@example.com\r\n"
        "Message-ID: <cust-1@customer.example>\r\n\r\nA refund <please> & soon."
    ).encode()
    assert inbound_email_ingest(raw=inbound).outcome == "appended"
    message_post(
        case=case, body="Refund <booked> & on its way.", visibility="customer", by=agent
    )
    apology, reply = [m for m in deliver(case) if m["To"] == case.customer.email]
    for sent in (apology, reply):
        assert sent["Subject"].strip().startswith(f"[{ref}] ")
        assert sent["Message-ID"].startswith("<outbox-")
        assert sent["Reply-To"] == f"care+{ref}@example.com"
        assert set(parts(sent)) == {"text/plain", "text/html"}
    assert reply["In-Reply-To"] == "<cust-1@customer.example>"
    assert reply["References"].split() == [
        apology["Message-ID"],
        "<cust-1@customer.example>",
    ]
    body = parts(reply)
    assert "Refund <booked> & on its way." in body["text/plain"]
    assert "Refund &lt;booked&gt; &amp; on its way." in body["text/html"]


@pytest.mark.django_db
def test_a_reply_to_the_reply_to_address_threads_back(make_case):
    case = make_case("acknowledged")
    [sent] = [m for m in deliver(case) if m["To"] == case.customer.email]
    raw = (
        f"From: {case.customer.email}\r\nTo: {sent['Reply-To']}\r\n"
        f"Subject: Re: {sent['Subject']}\r\nMessage-ID: <r@x>\r\n\r\nYes, I accept."
    ).encode()
    assert inbound_email_ingest(raw=raw).line() == f"appended {case.reference}"


@pytest.mark.django_db
def test_the_template_managers_edit_is_what_is_sent(make_case, agent):
    template = EmailTemplate.objects.get(kind="customer_message")
    template.subject = "News on {{ case.subject }}"
    template.text = "Hi {{ customer_name }}: {{ message.body }}"
    template.html = "<p>Hi <b>{{ customer_name }}</b>: {{ message.body }}</p>"
    template.save()
    case = make_case("listening")
    message_post(case=case, body="<b>It shipped</b>", visibility="customer", by=agent)
    [sent] = [m for m in deliver(case) if m["To"] == case.customer.email]
    assert sent["Subject"] == f"[{case.reference}] News on {case.subject}"
    body = parts(sent)
    assert body["text/plain"].strip() == f"Hi {case.customer.name}: <b>It shipped</b>"
    assert "&lt;b&gt;It shipped&lt;/b&gt;" in body["text/html"]


@pytest.mark.django_db
def test_defaults_are_seeded_for_every_kind():
    assert set(EmailTemplate.objects.values_list("kind", flat=True)) == {
        "portal_confirmation",
        "customer_message",
        "offer_made",
        "case_resolved",
        "case_closed",
        "followup_survey",
    }


@pytest.mark.django_db
def test_an_offer_is_emailed_when_made_or_once_approved(resolving, agent, lead):
    small = lifecycle.offer_make(
        case=resolving, kind="refund", amount="50.00", currency="GBP", by=agent
    )
    assert Outbox.objects.filter(key=f"offer:{small.pk}:proposed").exists()
    big = lifecycle.offer_make(
        case=resolving, kind="refund", amount="500.00", currency="GBP", by=agent
    )
    assert not Outbox.objects.filter(key=f"offer:{big.pk}:proposed").exists()
    lifecycle.offer_approve(offer=big, by=lead)
    row = Outbox.objects.get(key=f"offer:{big.pk}:proposed")
    assert "500.00 GBP" in row.body and row.subject.startswith(
        f"[{resolving.reference}]"
    )


@pytest.mark.django_db
def test_resolved_and_closed_are_emailed_once_per_time(make_case, agent):
    case = make_case("closed")
    keys = set(Outbox.objects.filter(case=case).values_list("key", flat=True))
    assert {f"case:{case.pk}:resolved:0", f"case:{case.pk}:closed:0"} <= keys
    case = lifecycle.transition(case, "listening", by=agent, reason="Wrote again.")
    case = lifecycle.transition(case, "closed", by=agent, close_reason="withdrawn")
    assert Outbox.objects.filter(key=f"case:{case.pk}:closed:1").exists()
    assert Outbox.objects.filter(case=case, key__contains=":closed:").count() == 2


@pytest.mark.django_db
def test_a_customer_without_an_address_gets_no_mail(make_case, agent):
    case = make_case("resolving")
    case.customer.email = ""
    case.customer.save()
    lifecycle.offer_make(case=case, kind="replacement", by=agent)
    assert not Outbox.objects.filter(case=case, key__startswith="offer:").exists()


@pytest.mark.django_db
def test_a_stored_template_that_fails_falls_back_to_the_default(make_case, agent):
    EmailTemplate.objects.filter(kind="customer_message").update(
        text='{% include "no/such/file.txt" %}'
    )
    case = make_case("listening")
    message_post(case=case, body="Still on it.", visibility="customer", by=agent)
    row = Outbox.objects.get(case=case, key__startswith="message:")
    assert "Still on it." in row.body and "Dear" in row.body
