"""OpenAPI details drf-spectacular cannot infer: the Token scheme and error responses.

Every operation documents its problem+json errors: 401, 403 and 429 always;
400 (invalid input, bad cursor or filter) where it takes a body or query
parameters; 404 on routes with an id; 413 and 415 where it takes a body; and
the domain statuses a view lists in `problem_statuses` (409, 412, 422).
"""

from django.utils import translation
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

PROBLEM = "application/problem+json"
DESCRIPTIONS = {
    "400": "Invalid request: malformed JSON, wrong types, unknown values, a bad "
    "cursor or filter (`errors`: field → messages).",
    "401": "No valid credentials (send `Authorization: Token <key>`).",
    "403": "Authenticated, but not allowed (scope, role, or CSRF for sessions).",
    "404": "No such object among those you may see.",
    "409": "Refused by the case's state: `unmet` lists every unmet prerequisite "
    "(code and wording); also an Idempotency-Key still in flight.",
    "412": "If-Match names an older version of the case.",
    "413": "The body is larger than 1 MiB.",
    "415": "Send `Content-Type: application/json`.",
    "422": "Well-formed but refused input (an amount, a currency, an outcome …), or "
    "an Idempotency-Key reused with a different body.",
    "429": "Too many requests; see Retry-After.",
}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "TokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Send `Authorization: Token <key>`; keys come from "
            "`manage.py create_api_client`.",
        }


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        from .serializers.common import ProblemSerializer

        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            response = self._get_response_for_code(
                ProblemSerializer, code, media_types=[PROBLEM], direction=direction
            )
            response["description"] = DESCRIPTIONS[code]
            responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        has_body = self.method in ("POST", "PUT", "PATCH")
        codes = ["401", "403", "429"]
        if has_body or self.method == "GET":
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        if has_body:
            codes += ["413", "415"]
        action = getattr(self.view, "action", None) or self.method.lower()
        extra = getattr(self.view, "problem_statuses", {})
        codes += [str(code) for code in extra.get(action, extra.get("*", ()))]
        return sorted(set(codes))


class SchemaView(SpectacularAPIView):
    """The OpenAPI document, generated once per process, version and language.

    It cannot change while a process runs (it is built from the code), and
    generating it costs about half a second of CPU, which anyone may ask for:
    the route is public. drf-spectacular generates it on every request.
    """

    generated: dict[tuple, dict] = {}

    def _get_schema_response(self, request):
        version = (
            self.api_version or request.version or self._get_version_parameter(request)
        )
        key = (version, translation.get_language(), self.serve_public)
        schema = self.generated.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            self.generated[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
