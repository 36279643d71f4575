"""Why a file was refused; the API maps these to 413/415/409, pages to messages."""

from complaints.exceptions import DomainError


class AttachmentRefused(DomainError):
    """A file may not be attached (the case is closed, too many files …)."""

    title = "Attachment refused"


class AttachmentTooLarge(AttachmentRefused):
    """The file is larger than `ATTACHMENT_MAX_BYTES`."""

    title = "Attachment too large"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"The file is larger than {human_size(limit)}, the most we accept.",
            ["file"],
        )


class AttachmentTypeRefused(AttachmentRefused):
    """The file's content is of a type not in `ATTACHMENT_TYPES`."""

    title = "Attachment type not accepted"

    def __init__(self, detected: str) -> None:
        self.detected = detected
        super().__init__(
            "We can't accept this kind of file. Please send a photo (JPEG, PNG, "
            "GIF, WebP, HEIC), a PDF, a text file, a Word, Excel or OpenDocument "
            "file, or an email.",
            ["file"],
        )


def human_size(size: int) -> str:
    """Bytes in the unit a person reads (10 MB, 512 KB)."""
    for unit, factor in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{size} bytes"
