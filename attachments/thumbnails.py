"""Small PNG previews of images for the case page, made with Pillow on upload.

Only the generated PNG is ever shown inline; the original stays a download.
Anything Pillow cannot read safely (an unsupported format such as HEIC
without a plugin, a truncated file, a decompression bomb) gets no thumbnail.
"""

import io
import logging
import warnings
from typing import BinaryIO

from PIL import Image, ImageOps

log = logging.getLogger(__name__)

SIZE = (240, 240)
MAX_PIXELS = 40_000_000


def thumbnail_png(stream: BinaryIO) -> bytes | None:
    """A PNG preview of the image in `stream`, or None when it cannot be made."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.seek(0)
                image = ImageOps.exif_transpose(image)
                image.thumbnail(SIZE)
                if image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA")
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
                return out.getvalue()
    except Exception:  # noqa: BLE001 - any unreadable image simply has no preview
        log.info("No thumbnail for an attachment", exc_info=True)
        return None
