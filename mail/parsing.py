"""Read one raw email, however broken, into the plain facts filing needs.

`email_parse` never raises: every header is read through the modern policy
with a fallback to the raw value, every body is decoded with its declared
charset when that works and with a guess when it does not, HTML-only mail is
turned into readable text, and anything the database cannot store (NUL, lone
surrogates) is dropped. Attachments are listed, not kept.
"""

import contextlib
import email
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

import charset_normalizer
import nh3

from .text import html_to_text, reply_part

MAX_DEPTH = 12
"""Nesting beyond this (forwards of forwards …) is not read further."""
_MSGID = re.compile(r"<([^<>\s]+)>")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_C1 = re.compile("[\x80-\x9f]")
_MULTIBYTE = (
    "shift_jis",
    "cp932",
    "euc",
    "gb",
    "big5",
    "iso2022",
    "hz",
    "cp949",
    "johab",
)


_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"MZ", "application/x-msdownload"),
)


@dataclass
class Attachment:
    name: str
    declared_type: str
    size: int
    content_type: str = "application/octet-stream"
    """Judged from the first bytes, not from the name or the declared type."""

    @property
    def type_mismatch(self) -> bool:
        return self.content_type != "application/octet-stream" and (
            self.content_type != self.declared_type
        )


def sniff(data: bytes) -> str:
    """The type the content shows by its first bytes, else application/octet-stream."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return "application/octet-stream"


@dataclass
class ParsedEmail:
    """What a message says, decoded; `defects` lists what was wrong with it."""

    message_id: str = ""
    sender: str = ""
    sender_name: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    content_type: str = "text/plain"
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)

    @property
    def reply(self) -> str:
        """The new part of the text, without the quoted conversation below it."""
        return reply_part(self.text)


def dedupe_key(parsed: ParsedEmail, raw: bytes) -> str:
    """The Message-ID, or a digest of the bytes when the message has none."""
    if parsed.message_id:
        return f"mid:{parsed.message_id}"[:500]
    return f"sha256:{hashlib.sha256(raw).hexdigest()}"


def email_parse(raw: bytes) -> ParsedEmail:
    """Parse `raw`; never raises (a hopeless message comes back mostly empty)."""
    parsed = ParsedEmail()
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the parser is lenient; this is belt and braces
        parsed.defects.append(f"unparseable: {type(exc).__name__}")
        parsed.text = clean(_decode(raw, None))
        return parsed
    _read_headers(message, parsed)
    texts: list[str] = []
    htmls: list[str] = []
    try:
        _walk(message, parsed, texts, htmls, depth=0)
    except Exception as exc:  # a structure the walk did not expect
        parsed.defects.append(f"body: {type(exc).__name__}")
    html = "\n".join(htmls)
    text = "\n\n".join(t for t in texts if t.strip())
    if not text.strip() and html:
        text = html_to_text(html)
    parsed.text = clean(text).strip()
    parsed.html = clean(nh3.clean(html)) if html else ""
    return parsed


def headers_parse(raw: bytes) -> ParsedEmail:
    """Only the headers of `raw` (cheap: the body is not read); never raises."""
    parsed = ParsedEmail()
    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        _read_headers(message, parsed)
    except Exception as exc:  # as lenient as the full parse
        parsed.defects.append(f"unparseable: {type(exc).__name__}")
    return parsed


def header(message: Message, name: str) -> str:
    """One header as text: parsed by the policy, else decoded from its raw value."""
    with contextlib.suppress(Exception):  # a header the policy cannot parse
        value = message.get(name)
        return "" if value is None else clean(str(value))
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return clean(_decode_words(str(value)))
    return ""


def clean(text: str) -> str:
    """Drop what PostgreSQL cannot store in a text column."""
    return _UNSTORABLE.sub("", text)


def message_ids(value: str) -> list[str]:
    """The `<id>`s in a Message-ID, In-Reply-To or References value."""
    found = _MSGID.findall(value or "")
    if not found and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]  # a bare id, without the brackets
    return [item[:400] for item in found]


def _read_headers(message: Message, parsed: ParsedEmail) -> None:
    ids = message_ids(header(message, "Message-ID"))
    parsed.message_id = ids[0] if ids else ""
    name, address = parseaddr(header(message, "From"))
    if "@" not in address:
        name, address = parseaddr(
            header(message, "Sender") or header(message, "Reply-To")
        )
    parsed.sender = address.strip().lower() if "@" in address else ""
    parsed.sender_name = name.strip()
    recipients = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        for _, address in getaddresses([header(message, name)]):
            if "@" in address:
                recipients.append(address.strip().lower())
    parsed.recipients = list(dict.fromkeys(recipients))
    parsed.subject = " ".join(header(message, "Subject").split())
    parsed.in_reply_to = message_ids(header(message, "In-Reply-To"))
    parsed.references = message_ids(header(message, "References"))
    try:
        parsed.content_type = message.get_content_type()
    except Exception:
        parsed.content_type = "text/plain"
    for name in (
        "Auto-Submitted",
        "X-Autoreply",
        "X-Autorespond",
        "Precedence",
        "List-Id",
        "Return-Path",
        "X-Redress-Key",
    ):
        value = header(message, name)
        if value:
            parsed.headers[name.lower()] = value
    parsed.defects.extend(type(defect).__name__ for defect in message.defects)


def _walk(
    part: Message,
    parsed: ParsedEmail,
    texts: list[str],
    htmls: list[str],
    *,
    depth: int,
) -> None:
    if depth > MAX_DEPTH:
        parsed.defects.append("nested too deep")
        return
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or (
        part.is_multipart() and ctype.startswith("message/")
    ):
        for inner in _children(part):
            texts.append(_forward_banner(inner))
            _walk(inner, parsed, texts, htmls, depth=depth + 1)
        return
    if part.is_multipart():
        children = _children(part)
        if ctype == "multipart/alternative":
            children = _best_alternative(children)
        for child in children:
            _walk(child, parsed, texts, htmls, depth=depth + 1)
        return
    if _is_attachment(part, ctype):
        payload = _payload(part)
        parsed.attachments.append(
            Attachment(
                name=clean(_filename(part))[:255],
                declared_type=ctype,
                size=len(payload),
                content_type=sniff(payload[:16]),
            )
        )
        return
    if ctype == "text/html":
        htmls.append(_text_of(part))
    elif ctype.startswith("text/") or ctype == "message/delivery-status":
        texts.append(_text_of(part))


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, Message)]
    if isinstance(payload, Message):
        return [payload]
    return []


def _best_alternative(children: list[Message]) -> list[Message]:
    """Of equivalent versions, the plain text one, else the richest other."""
    for child in children:
        if child.get_content_type() == "text/plain" and _text_of(child).strip():
            return [child]
    return children[-1:]


def _is_attachment(part: Message, ctype: str) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if ctype.startswith("text/") and not _filename(part):
        return False
    return not ctype.startswith("text/") or bool(_filename(part))


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        return ""


def _payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _text_of(part: Message) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text = _decode(_payload(part), charset)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset if the bytes really are in it, else guess."""
    if not data:
        return ""
    labels = [charset] if charset else []
    labels += ["utf-8"]
    for label in labels:
        try:
            text = data.decode(label)
        except (LookupError, UnicodeDecodeError):
            continue
        latin = label.lower().replace("_", "-") in ("iso-8859-1", "latin-1", "us-ascii")
        if latin and _C1.search(text):  # Windows-1252 labelled as Latin-1, as often
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("cp1252")
        return text
    # Mislabelled: a multi-byte Asian encoding if the bytes clearly are one,
    # else Windows-1252, by far the most common mislabelled charset.
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding.startswith(_MULTIBYTE):
        return str(best)
    return data.decode("cp1252", errors="replace")


def _forward_banner(inner: Message) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject"):
        value = header(inner, name)
        if value:
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def _decode_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
