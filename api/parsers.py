"""A JSON parser that caps the body's size and nesting.

DRF reads the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
never applies to JSON bodies; this parser applies it (413 problem past it)
whether or not the client sent a Content-Length. A body nested deeper than
`complaints.bounds.MAX_DEPTH` (32) is a 400, however deep: the parser's own
recursion limit is caught rather than let through as a 500.
"""

import io

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from complaints.bounds import MAX_DEPTH, nesting_depth
from config.numbers import whole_number

from .errors import PayloadTooLarge

TOO_DEEP = f"JSON parse error - nested more than {MAX_DEPTH} levels deep."


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 1_048_576
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if (whole_number(length) or 0) > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
