"""A JSON parser that caps the body size.

DRF reads the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
never applies to JSON bodies; this parser applies it (413 problem past it)
whether or not the client sent a Content-Length.
"""

import io

from django.conf import settings
from rest_framework.parsers import JSONParser

from .errors import PayloadTooLarge


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 1_048_576
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and length.isdigit() and int(length) > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(body), media_type, parser_context)
