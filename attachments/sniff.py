"""Judge a file's type from its first bytes, never from its name or declared type.

Binary formats come from `filetype`'s signatures; text is told apart here:
HTML, SVG and XML are never plain text (a browser would run them), an email
is text that opens with RFC 5322 headers.
"""

import re

import filetype

HEAD_BYTES = 8192
OCTET_STREAM = "application/octet-stream"
TEXT_PLAIN = "text/plain"
MESSAGE_RFC822 = "message/rfc822"
HTML = "text/html"

# Markup a browser would interpret (scripts, frames); checked case-insensitively
# anywhere in the head, so a text file that embeds them is refused too.
MARKUP = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|"
    rb"link|style|img|a\s|\?xml)",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?[^\r\n]*\r?$")
EMAIL_HEADERS = frozenset(
    {
        b"from",
        b"to",
        b"subject",
        b"date",
        b"message-id",
        b"received",
        b"return-path",
        b"mime-version",
        b"delivered-to",
    }
)


def detect(head: bytes) -> str:
    """Return the MIME type the content of `head` (the file's first bytes) shows."""
    kind = filetype.guess(head[:HEAD_BYTES]) if head else None
    if kind is not None:
        return kind.mime
    if not _is_text(head):
        return OCTET_STREAM
    if _is_email(head):
        # Checked before markup: a mail's HTML part does not make it a page.
        return MESSAGE_RFC822
    if MARKUP.search(head):
        return HTML
    return TEXT_PLAIN


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the head is still text.
        if exc.start < len(head) - 3:
            return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls == 0


def _is_email(head: bytes) -> bool:
    """Whether the text opens with header lines, two of them typical of mail."""
    lines = head.split(b"\n", 40)
    names = set()
    for line in lines[:-1]:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header continues the one before
        if not HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return len(names & EMAIL_HEADERS) >= 2
