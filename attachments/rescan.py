"""Scan again the files that wait for a verdict (`pending`: the scanner was down).

`attachment_rescan` is the one way a pending file gets its verdict later; the
`rescan_attachments` command (and, if wired, a periodic task) calls it for
each pending file. It uses the same clamd hook as `attachment_add`
(`attachments.scan`): a clean file becomes servable (and an image gets its
thumbnail), an infected one stays stored but quarantined, and while the
scanner is still unreachable the file keeps waiting.
"""

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from complaints.actors import Actor, as_actor
from complaints.models import EventKind
from complaints.timeline import record_event

from . import scan
from .models import Attachment, ScanStatus
from .storage import attachment_storage
from .thumbnails import thumbnail_png

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rescanned:
    attachment_id: int
    status: str
    detail: str = ""

    def line(self) -> str:
        """The command's output line for this file."""
        detail = f" {self.detail}" if self.detail else ""
        return f"{self.attachment_id} {self.status}{detail}"


def attachments_pending() -> QuerySet[Attachment]:
    """Files still waiting for a virus scan, oldest first."""
    return Attachment.objects.filter(scan_status=ScanStatus.PENDING).order_by("pk")


def attachment_rescan(*, attachment: Attachment, by: Actor) -> Rescanned:
    """Scan a pending file again and record the verdict; return it.

    A file no longer pending (another run got there first) is left alone.
    Raises nothing for an unreachable scanner: the file stays `pending`.
    """
    actor = as_actor(by)
    if not scan.scanner_configured():
        return Rescanned(attachment.pk, "pending", "no scanner configured")
    storage = attachment_storage()
    try:
        with storage.open(attachment.storage_name, "rb") as stream:
            verdict = scan.scan(stream)
    except scan.ScanUnavailable as exc:
        log.warning("Virus scanner unavailable; %s still waits: %s", attachment, exc)
        return Rescanned(attachment.pk, "pending", "scanner unavailable")
    except FileNotFoundError:
        return Rescanned(attachment.pk, "pending", "file missing from storage")
    with transaction.atomic():
        row = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if row.scan_status != ScanStatus.PENDING:
            return Rescanned(row.pk, row.scan_status, "already scanned")
        if verdict.infected:
            row.scan_status, row.scan_detail = ScanStatus.INFECTED, verdict.detail
        else:
            row.scan_status, row.scan_detail = ScanStatus.CLEAN, ""
            row.thumbnail_name = row.thumbnail_name or _thumbnail(row)
        row.save(update_fields=["scan_status", "scan_detail", "thumbnail_name"])
        record_event(
            row.case,
            EventKind.ATTACHMENT_SCANNED,
            by=actor,
            attachment=row.pk,
            filename=row.filename,
            scan_status=str(row.scan_status),
            detail=row.scan_detail,
        )
    return Rescanned(row.pk, str(row.scan_status), row.scan_detail)


def _thumbnail(row: Attachment) -> str:
    if not row.content_type.startswith("image/"):
        return ""
    storage = attachment_storage()
    with storage.open(row.storage_name, "rb") as stream:
        png = thumbnail_png(stream)
    if png is None:
        return ""
    return storage.save(f"{row.storage_name}.thumb.png", ContentFile(png))
