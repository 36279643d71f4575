"""Real-world mail shapes parse into readable text, with the right sender and ids."""

from pathlib import Path

import pytest

from mail.parsing import dedupe_key, email_parse
from mail.text import html_to_text, reply_part

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"


def parse(name: str):
    return email_parse((FIXTURES / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "sender", "subject", "text"),
    [
        ("plain.eml", "alice@example.org", "My parcel arrived broken", "in pieces"),
        ("alternative.eml", "bob@example.org", "Alternative parts", "plain version"),
        ("iso8859.eml", "renee@example.fr", "Problème de livraison", "arrivé abîmé"),
        (
            "windows1252_as_latin1.eml",
            "dan@example.org",
            "Smart quotes \u201ctest\u201d",
            "It \u201cbroke\u201d \u2013 costs \u20ac50.",
        ),
        ("shift_jis.eml", "yamada@example.jp", "注文が届きません", "返金してください"),
        (
            "mislabelled_utf8.eml",
            "eve@example.org",
            "Labelled utf-8 but is not",
            "très déçu",
        ),
    ],
)
def test_bodies_and_encoded_words_decode(name, sender, subject, text):
    parsed = parse(name)
    assert parsed.sender == sender
    assert parsed.subject == subject
    assert text in parsed.text
    assert "\r" not in parsed.text


def test_encoded_word_names_decode():
    assert parse("iso8859.eml").sender_name == "Renée Dupré"
    assert parse("shift_jis.eml").sender_name == "山田"


def test_alternative_keeps_the_plain_part_only():
    parsed = parse("alternative.eml")
    assert parsed.text == "The plain version of my complaint."
    assert "HTML version" not in parsed.text


def test_html_only_mail_becomes_readable_text_and_safe_html():
    parsed = parse("html_only.eml")
    assert "My order #1234 never came." in parsed.text
    assert "- Paid on Monday" in parsed.text
    assert "Please help me." in parsed.text
    assert "alert" not in parsed.text and "color" not in parsed.text
    assert "<script" not in parsed.html and "onerror" not in parsed.html
    assert "<b>#1234</b>" in parsed.html


def test_a_forward_keeps_the_forwarded_message_text():
    parsed = parse("forwarded.eml")
    assert "it never came" in parsed.text
    assert "Forwarded message" in parsed.text
    assert "From: Shop <orders@shop.example>" in parsed.text
    assert "will arrive tomorrow" in parsed.text
    assert parsed.reply == parsed.text  # a forward is not a quote to trim


def test_quoted_reply_is_trimmed_for_the_timeline_but_kept_in_full():
    parsed = parse("quoted_reply.eml")
    assert parsed.reply == "Thank you, a refund would be fine."
    assert "> We are sorry." in parsed.text


@pytest.mark.parametrize(
    "text",
    [
        "Yes please.\n\n-----Original Message-----\nFrom: care\nold",
        "Yes please.\n\nOn Mon, 30 Nov 2026 at 10:00, Redress\n<care@example.com> wrote:\n> old",
        "Yes please.\n> old\n> older",
    ],
)
def test_reply_part_cuts_at_the_common_quote_markers(text):
    assert reply_part(text) == "Yes please."


def test_a_message_that_is_all_quote_keeps_its_text():
    assert reply_part("> only a quote") == "> only a quote"


def test_attachments_are_listed_with_their_declared_type():
    parsed = parse("lying_attachment.eml")
    assert [(a.name, a.declared_type) for a in parsed.attachments] == [
        ("photo.png", "image/png")
    ]
    [photo] = parsed.attachments
    assert photo.content_type == "application/pdf"  # judged from the content
    assert photo.type_mismatch
    assert parsed.text == "Photo attached."


def test_malformed_headers_do_not_raise():
    parsed = parse("malformed_headers.eml")
    assert parsed.sender == ""
    assert parsed.message_id == ""  # "no brackets here@x" is not an id
    assert "not base64" in parsed.text


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02",
        b"Subject: \xff\xfe\r\n\r\n\x00body\x00",
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
        b"Content-Type: message/rfc822\r\n\r\nnot a message",
        b"From: a@b.c\r\nContent-Type: text/plain; charset=utf-99\r\n\r\n\xe9t\xe9",
        b"From: =?bogus?Q?x?= <a@b.c>\r\n\r\nhi",
    ],
)
def test_garbage_never_raises_and_stores_no_nul(raw):
    parsed = email_parse(raw)
    assert "\x00" not in parsed.text + parsed.subject + parsed.sender


def test_dedupe_key_is_the_message_id_else_a_digest_of_the_bytes():
    raw = (FIXTURES / "no_message_id.eml").read_bytes()
    key = dedupe_key(email_parse(raw), raw)
    assert key.startswith("sha256:")
    assert key != dedupe_key(email_parse(raw + b"x"), raw + b"x")
    a, b = parse("same_id_a.eml"), parse("same_id_b.eml")
    assert dedupe_key(a, b"1") == dedupe_key(b, b"2") == "mid:twice-1@example.org"


def test_html_to_text_handles_entities_and_blocks():
    assert html_to_text("<div>a&amp;b</div><div>c<br>d</div>") == "a&b\n\nc\nd"
