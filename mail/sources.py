"""Where raw messages come from: Maildir folders, mbox files, single files, IMAP.

Each reader yields one message's bytes at a time, so a mailbox of any size
costs the memory of its largest message. A source that cannot be opened at
all raises `SourceUnreadable`; one unreadable message inside is yielded as
an error instead, so the rest still arrive.
"""

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

_MBOX_FROM = re.compile(rb"^From \S")
_ESCAPED_FROM = re.compile(rb"^>(>*From )")


class SourceUnreadable(Exception):
    """The whole source cannot be read (missing, not mail, refused login)."""


@dataclass
class Item:
    """One message from a source, or why it could not be read; `done` marks it taken."""

    label: str
    raw: bytes | None = None
    error: str = ""
    done: Callable[[], None] | None = None


def read_source(source: str) -> Iterator[Item]:
    """Yield the messages of a Maildir directory, an mbox file or one message file."""
    path = Path(source)
    try:
        if path.is_dir():
            if not any((path / sub).is_dir() for sub in ("cur", "new")):
                raise SourceUnreadable(f"{source}: not a Maildir (no cur/ or new/)")
            yield from _maildir(path)
            return
        with path.open("rb") as handle:
            first = handle.read(5)
    except OSError as exc:
        raise SourceUnreadable(f"{source}: {exc.strerror or exc}") from exc
    if first == b"From ":
        yield from _mbox(path)
    else:
        yield _one_file(path)


def _maildir(path: Path) -> Iterator[Item]:
    for sub in ("new", "cur"):
        folder = path / sub
        if not folder.is_dir():
            continue
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.is_file())
        for name in names:
            if name.startswith("."):
                continue
            yield _one_file(folder / name)


def _one_file(path: Path) -> Item:
    try:
        return Item(label=str(path), raw=path.read_bytes())
    except OSError as exc:
        return Item(label=str(path), error=f"unreadable ({exc.strerror or exc})")


def _mbox(path: Path) -> Iterator[Item]:
    """Split an mbox on its `From ` lines (mboxrd: one `>` unescaped)."""
    number = 0
    lines: list[bytes] = []
    previous_blank = True
    with path.open("rb") as handle:
        for line in handle:
            if previous_blank and _MBOX_FROM.match(line):
                if lines:
                    number += 1
                    yield Item(label=f"{path}#{number}", raw=_join(lines))
                lines = []
                previous_blank = False
                continue
            previous_blank = line in (b"\n", b"\r\n")
            lines.append(_ESCAPED_FROM.sub(rb"\1", line))
    if lines:
        number += 1
        yield Item(label=f"{path}#{number}", raw=_join(lines))


def _join(lines: list[bytes]) -> bytes:
    # The blank line before the next `From ` belongs to the separator.
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)


@dataclass(frozen=True)
class ImapTarget:
    host: str
    port: int
    user: str
    password: str
    folder: str
    ssl: bool


def imap_target(url: str) -> ImapTarget:
    """Read `imaps://user:password@host[:port]/FOLDER` (imap:// for plain, tests only)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise SourceUnreadable("expected imaps://user:password@host/FOLDER")
    ssl = parts.scheme == "imaps"
    return ImapTarget(
        host=parts.hostname,
        port=parts.port or (993 if ssl else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        ssl=ssl,
    )


def read_imap(url: str, *, batch: int = 50) -> Iterator[Item]:
    """Yield the unseen messages of an IMAP folder; `done()` flags one \\Seen.

    Messages are fetched a batch at a time by UID, never the whole folder.
    """
    from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

    target = imap_target(url)
    box_class = MailBox if target.ssl else MailBoxUnencrypted
    try:
        box = box_class(target.host, port=target.port)
        box.email_message_class = _raw_message_class()
        box.login(target.user, target.password, initial_folder=target.folder)
        uids = box.uids(AND(seen=False))
    except Exception as exc:  # refused login, unknown host, missing folder
        raise SourceUnreadable(f"{target.host}: {exc}") from exc
    try:
        for start in range(0, len(uids), batch):
            chunk = uids[start : start + batch]
            for msg in box.fetch(uid_list=chunk, mark_seen=False, bulk=True):

                def done(uid: str = msg.uid) -> None:
                    box.flag(uid, MailMessageFlags.SEEN, True)

                label = f"imap:{target.folder}/{msg.uid}"
                yield Item(label=label, raw=msg.raw, done=done)
    finally:
        with contextlib.suppress(Exception):  # the session may already be gone
            box.logout()


def _raw_message_class() -> type:
    """imap-tools' message, keeping the bytes as fetched instead of re-serialising."""
    from email.message import Message

    from imap_tools import MailMessage

    class RawMessage(MailMessage):
        def __init__(self, fetch_data: list) -> None:
            raw, uid, flags = self._get_message_data_parts(fetch_data)
            self._raw_uid_data, self._raw_flag_data = uid, flags
            self.raw: bytes = raw
            self.obj = Message()  # the ingest parses it; do not parse twice

    return RawMessage
