"""Inbound email: each attached file joins the case through attachment_add."""

import base64

import pytest

from attachments.models import Attachment, Source
from mail.models import InboundEmail
from mail.services import inbound_email_ingest

from .samples import EXE, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(settings):
    settings.REPLY_TO_ADDRESS = "care@example.com"
    settings.DEFAULT_FROM_EMAIL = "Redress <care@example.com>"


def mail(*parts: tuple[str, str, bytes], message_id: str = "att-1@example.org"):
    lines = [
        b"From: Jack <jack@example.org>",
        b"To: care@example.com",
        b"Subject: Photo of the damage",
        f"Message-ID: <{message_id}>".encode(),
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="mx"',
        b"",
        b"--mx",
        b"Content-Type: text/plain",
        b"",
        b"The photo is attached.",
    ]
    for name, declared, data in parts:
        lines += [
            b"--mx",
            f'Content-Type: {declared}; name="{name}"'.encode(),
            f'Content-Disposition: attachment; filename="{name}"'.encode(),
            b"Content-Transfer-Encoding: base64",
            b"",
            base64.encodebytes(data).rstrip(),
        ]
    lines.append(b"--mx--")
    return b"\r\n".join(lines) + b"\r\n"


def test_an_emailed_photo_is_kept_on_the_new_case():
    photo = png_bytes()
    result = inbound_email_ingest(raw=mail(("damage.png", "image/png", photo)))
    assert result.outcome == "created"
    attachment = Attachment.objects.get()
    assert attachment.case.reference == result.reference
    assert (attachment.filename, attachment.content_type, attachment.source) == (
        "damage.png",
        "image/png",
        Source.EMAIL,
    )
    assert attachment.size == len(photo)
    assert attachment.thumbnail_name
    assert InboundEmail.objects.get().attachments[0]["attachment"] == attachment.pk


def test_a_refused_part_is_noted_and_the_rest_is_kept():
    raw = mail(
        ("invoice.pdf", "application/pdf", EXE),
        ("damage.png", "image/png", png_bytes()),
    )
    result = inbound_email_ingest(raw=raw)
    assert result.outcome == "created"
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["damage.png"]
    listed = InboundEmail.objects.get().attachments
    assert "can't accept this kind of file" in listed[0]["refused"]


def test_a_reply_with_a_file_links_it_to_the_customer_message():
    first = inbound_email_ingest(raw=mail(message_id="att-a@example.org"))
    reply = mail(("more.png", "image/png", png_bytes()), message_id="att-b@example.org")
    reply = reply.replace(
        b"Subject: Photo of the damage",
        f"Subject: Re: [{first.reference}] Photo".encode()
        + b"\r\nIn-Reply-To: <att-a@example.org>",
    )
    result = inbound_email_ingest(raw=reply)
    assert result.outcome == "appended", result
    attachment = Attachment.objects.get()
    assert attachment.message is not None
    assert (
        attachment.message
        == InboundEmail.objects.get(message_id="att-b@example.org").case_message
    )
