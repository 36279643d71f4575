"""What every API view shares: auth, scope permissions, throttles, body cap, ETags.

Throttles run before the permission check (DRF's order is the reverse) and
also when authentication fails, so unauthenticated calls and wrong-key guesses
are counted against the anonymous limit.
"""

from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from complaints.models import Case

from ..errors import PreconditionFailed
from ..parsers import BoundedJSONParser
from ..permissions import HasScopeOrStaffRole
from ..schema import ApiAutoSchema
from ..serializers.common import built
from ..throttling import AnonRateThrottle, ClientRateThrottle, count_ahead


class ApiViewMixin:
    permission_classes = [HasScopeOrStaffRole]
    throttle_classes = [ClientRateThrottle, AnonRateThrottle]
    parser_classes = [BoundedJSONParser]
    schema = ApiAutoSchema()
    required_scopes: dict[str, str] = {}

    def perform_authentication(self, request):
        count_ahead(request)
        try:
            request.user  # noqa: B018 - evaluating it authenticates
        except exceptions.AuthenticationFailed:
            self.check_throttles(request)
            raise

    def check_permissions(self, request):
        self.check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request):
        if getattr(request, "_redress_throttled", False):
            return
        request._redress_throttled = True
        super().check_throttles(request)


class ApiViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """A viewset whose handlers parse input, call one service and render."""

    def valid(self, serializer_class, data=None):
        """Validate the request body (or `data`) with `serializer_class`.

        A class marked `context_free` (its fields read nothing but the data)
        is built once per thread and reused: DRF builds a serializer's fields
        anew for each instance, which costs more than validating a complaint.
        """
        data = self.request.data if data is None else data
        if getattr(serializer_class, "context_free", False):
            return built(serializer_class).run_validation(data)
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def require_object_body(self):
        if not isinstance(self.request.data, dict):
            raise exceptions.ValidationError(
                {"non_field_errors": ["Send a JSON object."]}
            )


def etag_of(case: Case) -> str:
    return f'"{case.version}"'


def with_etag(response: Response, case: Case) -> Response:
    response["ETag"] = etag_of(case)
    return response


def expected_version(request, case: Case) -> int | None:
    """The version `If-Match` names; 412 when it names another one.

    `*` matches any version; a weak tag never matches (strong comparison).
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags:
        return None
    if etag_of(case) not in tags:
        raise PreconditionFailed()
    return case.version
