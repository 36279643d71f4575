"""How an attachment goes out over HTTP, the same for staff and customers.

Always a download (`Content-Disposition: attachment`), never sniffed, never
able to run script (`Content-Security-Policy: sandbox`), never cached by a
shared cache. Only the generated thumbnail PNG is shown inline.
"""

from urllib.parse import quote

from django.http import FileResponse, Http404

from .models import Attachment
from .storage import attachment_storage

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def attachment_response(attachment: Attachment, *, thumbnail: bool = False):
    """Stream the file (or its thumbnail); Http404 when it is not there to serve."""
    if not attachment.is_servable:
        raise Http404("No such file.")
    name = attachment.thumbnail_name if thumbnail else attachment.storage_name
    if not name:
        raise Http404("No such file.")
    try:
        stream = attachment_storage().open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("No such file.") from exc
    if thumbnail:
        response = FileResponse(stream, content_type="image/png")
        response["Content-Disposition"] = "inline"
    else:
        response = FileResponse(stream, content_type=attachment.content_type)
        response["Content-Disposition"] = disposition(attachment.filename)
    for header, value in HEADERS.items():
        response[header] = value
    return response


def disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266)."""
    fallback = (
        "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
        or "attachment"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
