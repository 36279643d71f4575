"""The API's JSON renderer: it never fails on a lone surrogate echoed back.

A validation message may quote what the client sent (`"\\ud800" is not a
valid choice.`); a lone surrogate cannot be encoded as UTF-8, so such a body
is written with ASCII escapes (`\\ud800`), which any JSON parser reads back.
"""

from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return _AsciiJSONRenderer().render(
                data, accepted_media_type, renderer_context
            )


class _AsciiJSONRenderer(JSONRenderer):
    ensure_ascii = True
