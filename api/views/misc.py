"""Small routes: the ping used as the benchmark's ceiling.

The metrics summary is the dashboards' own API route (`dashboards.api_urls`).
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import READ
from ..serializers.common import PingSerializer
from .base import ApiViewMixin


class PingView(ApiViewMixin, APIView):
    """Check a key: answers who you are, touches no case (any scope may call it)."""

    required_scopes = {"get": READ}

    def check_permissions(self, request):
        # Any valid key or staff session may ping, whatever its scopes.
        self.check_throttles(request)
        if not request.user or not request.user.is_authenticated:
            self.permission_denied(request)

    @extend_schema(responses={200: PingSerializer}, summary="Check your credentials")
    def get(self, request):
        return Response({"ok": True, "caller": request.user.get_username()})
