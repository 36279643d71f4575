"""The one way a file joins a case: `attachment_add` (and `attachments_add` for several).

Every entry point — the complaint form, the status page, the case page, the
API and inbound email — calls these, so the limits, the type check, the scan
and the timeline event are the same on every path.

For inbound email (wire from the mail app)::

    from django.core.files.base import ContentFile
    attachment_add(
        case=case,
        file=ContentFile(part.get_payload(decode=True), name=part.get_filename()),
        source=Source.EMAIL,
        by=Actor.customer(),
        message=message,  # the complaints.Message the email became
    )

and catch `AttachmentRefused` per part (a refused part should not lose the mail).
"""

import hashlib
import logging
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext

from complaints.actors import Actor, as_actor
from complaints.models import Case, EventKind, Message
from complaints.timeline import record_event

from . import scan, sniff
from .exceptions import AttachmentRefused, AttachmentTooLarge, AttachmentTypeRefused
from .models import Attachment, ScanStatus, Source
from .storage import attachment_storage
from .thumbnails import thumbnail_png

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
FILENAME_MAX = 200
# Sources through which the customer adds files to a case they follow.
NEEDS_OPEN_CASE = (Source.STATUS_PAGE,)


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def max_files() -> int:
    return getattr(settings, "ATTACHMENT_MAX_FILES", 5)


def allowed_types() -> frozenset[str]:
    """The content types accepted (the setting ATTACHMENT_TYPES, with its default)."""
    return frozenset(settings.ATTACHMENT_TYPES)


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    file: IO[bytes] | File,
    source: Source | str,
    by: Actor | Any,
    message: Message | None = None,
    filename: str | None = None,
) -> Attachment:
    """Store `file` on `case` and record it on the timeline.

    The file is read in chunks, never whole: past ATTACHMENT_MAX_BYTES the
    read stops and AttachmentTooLarge is raised. Its type is judged from its
    content alone; one outside ATTACHMENT_TYPES raises AttachmentTypeRefused.
    The status page may add files only while the case is open
    (AttachmentRefused). With a scanner configured (CLAMD_SOCKET/CLAMD_HOST)
    an infected file is stored but quarantined (`infected`, never served); an
    unreachable scanner leaves it `pending` (not served either).
    """
    source = Source(source)
    if source in NEEDS_OPEN_CASE and not case.is_open:
        raise AttachmentRefused(
            gettext("%(reference)s is closed; files can no longer be added here.")
            % {"reference": case.reference},
            ["open case"],
        )
    if message is not None and message.case_id != case.pk:
        raise ValueError("The message belongs to another case.")
    name = clean_filename(filename or getattr(file, "name", "") or "")
    with _spooled(file) as spool:
        if spool.size == 0:
            raise AttachmentRefused(gettext("The file is empty."), ["file"])
        detected = sniff.detect(spool.head)
        if detected not in allowed_types():
            raise AttachmentTypeRefused(detected)
        status, detail = _scan(spool.file)
        stored = _store(case, spool.file, detected, status)
        row = Attachment(
            case=case,
            message=message,
            source=source,
            filename=name,
            content_type=detected,
            size=spool.size,
            sha256=spool.sha256,
            storage_name=stored[0],
            thumbnail_name=stored[1],
            scan_status=status,
            scan_detail=detail,
        )
    try:
        return _record(row, by=by)
    except BaseException:
        _discard(stored)
        raise


@transaction.atomic
def attachments_add(
    *,
    case: Case,
    files: Iterable[IO[bytes] | File],
    source: Source | str,
    by: Actor | Any,
    message: Message | None = None,
) -> list[Attachment]:
    """Add several files at once: all of them or none (a refusal rolls back the rest).

    Raises AttachmentRefused past ATTACHMENT_MAX_FILES, and whatever
    `attachment_add` raises for any one file.
    """
    files = list(files)
    if len(files) > max_files():
        raise AttachmentRefused(
            gettext("Please send at most %(count)d files at a time.")
            % {"count": max_files()},
            ["file"],
        )
    added: list[Attachment] = []
    try:
        for file in files:
            added.append(
                attachment_add(
                    case=case, file=file, source=source, by=by, message=message
                )
            )
    except BaseException:
        for attachment in added:
            _discard((attachment.storage_name, attachment.thumbnail_name))
        raise
    return added


def clean_filename(raw: str) -> str:
    """A safe display name: no path, no control or bidi characters, bounded length."""
    name = str(raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name.encode("utf-8", "replace").decode())
    name = "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>|*?:'
    ).strip(" .")
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        name = stem[: FILENAME_MAX - len(ext) - 1] + "." + ext if ext else name
        name = name[:FILENAME_MAX]
    return name or "attachment"


class _Spool:
    """The upload copied to a private temporary file, with its size, hash and head."""

    def __init__(self) -> None:
        # Closed by __exit__ (or by _spooled on a failed read).
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.size = 0
        self.head = b""
        self._digest = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > max_bytes():
            raise AttachmentTooLarge(max_bytes())
        if len(self.head) < sniff.HEAD_BYTES:
            self.head += chunk[: sniff.HEAD_BYTES - len(self.head)]
        self._digest.update(chunk)
        self.file.write(chunk)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def __enter__(self) -> "_Spool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def _spooled(file: IO[bytes] | File) -> _Spool:
    known = getattr(file, "size", None)
    if isinstance(known, int) and known > max_bytes():
        raise AttachmentTooLarge(max_bytes())
    spool = _Spool()
    try:
        for chunk in _chunks(file):
            spool.write(chunk)
    except BaseException:
        spool.file.close()
        raise
    spool.file.seek(0)
    return spool


def _chunks(file: IO[bytes] | File) -> Iterator[bytes]:
    if isinstance(file, File):
        yield from file.chunks(CHUNK)
        return
    while chunk := file.read(CHUNK):
        yield chunk


def _scan(stream: IO[bytes]) -> tuple[ScanStatus, str]:
    if not scan.scanner_configured():
        return ScanStatus.NOT_SCANNED, ""
    stream.seek(0)
    try:
        verdict = scan.scan(stream)
    except scan.ScanUnavailable as exc:
        log.warning("Virus scanner unavailable; the attachment waits: %s", exc)
        return ScanStatus.PENDING, "scanner unavailable"
    if verdict.infected:
        return ScanStatus.INFECTED, verdict.detail
    return ScanStatus.CLEAN, ""


def _store(
    case: Case, stream: IO[bytes], detected: str, status: ScanStatus
) -> tuple[str, str]:
    """Save the file (and an image's thumbnail) under random names."""
    storage = attachment_storage()
    base = f"{case.reference}/{secrets.token_urlsafe(24)}"
    stream.seek(0)
    name = storage.save(base, File(stream, name=base))
    thumb = ""
    if detected.startswith("image/") and status in (
        ScanStatus.CLEAN,
        ScanStatus.NOT_SCANNED,
    ):
        stream.seek(0)
        png = thumbnail_png(stream)
        if png is not None:
            try:
                thumb = storage.save(f"{base}.thumb.png", ContentFile(png))
            except BaseException:
                _discard((name, ""))
                raise
    return name, thumb


def _record(row: Attachment, *, by: Any) -> Attachment:
    actor = as_actor(by)
    row.uploaded_by, row.uploaded_by_label = actor.user, actor.label
    row.save()
    record_event(
        row.case,
        EventKind.ATTACHMENT_ADDED,
        by=actor,
        attachment=row.pk,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        source=str(row.source),
        scan_status=str(row.scan_status),
    )
    return row


def _discard(names: tuple[str, str]) -> None:
    storage = attachment_storage()
    for name in names:
        if name:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 - a leftover file is only clutter
                log.warning("Could not delete stored attachment %s", name)
