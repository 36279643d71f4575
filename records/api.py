"""/api/v1/ routes of retention and data rights (README, "Retention and data
rights"); managers only, service clients 403 as on every /customers/ route.

- `GET customers/{id}/export/[?format=pdf]`: everything held about a customer
  (JSON, or a PDF); each export is recorded.
- `POST complaints/{reference}/holds/`, `POST customers/{id}/holds/`
  `{"reason"}`: place a legal hold; `POST holds/{id}/lift/` `{"reason"}`.
Views parse, check and call one service or selector.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import STAFF_ONLY
from api.selectors import api_cases
from api.views.base import ApiViewMixin
from api.views.complaints import actor_of
from complaints.bounds import validate_text
from customers.selectors import customer_for

from .export import (
    ExportForbidden,
    customer_for_export,
    subject_access_export,
    subject_access_pdf,
)
from .holds import REASON_MAX, legal_hold_lift, legal_hold_place, may_manage_records
from .models import LegalHold


class HoldIn(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, validators=[validate_text])


class HoldOut(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.reference", allow_null=True)
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    reason = serializers.CharField()
    placed_by = serializers.CharField(source="placed_by_label")
    placed_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)
    lift_reason = serializers.CharField(allow_blank=True)


def _reason(request) -> str:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    data = HoldIn(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["reason"]


def _managers_only(request) -> None:
    if not may_manage_records(request.user):
        raise PermissionDenied("Only managers place and lift legal holds.")


class CustomerExportView(ApiViewMixin, APIView):
    """Everything held about a customer (subject access), for managers."""

    required_scopes = {"get": STAFF_ONLY}

    def perform_content_negotiation(self, request, force=False):
        # `?format=pdf` is this view's own switch; errors stay problem+json.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "pdf"])],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
        summary="Everything held about the customer (subject access; managers)",
    )
    def get(self, request, customer_id: int):
        try:
            customer = customer_for_export(request.user, customer_id)
        except ExportForbidden as exc:
            raise PermissionDenied(exc.detail) from exc
        if customer is None:
            raise Http404("No such customer.")
        fmt = request.query_params.get("format") or "json"
        if fmt not in ("json", "pdf"):
            raise ValidationError({"format": ["json or pdf"]})
        data = subject_access_export(
            customer=customer, by=actor_of(request), fmt=fmt, via="api"
        )
        if fmt == "json":
            return Response(data)
        pdf = subject_access_pdf(data)
        if pdf is None:
            raise ValidationError({"format": ["PDF cannot be made here; ask JSON."]})
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"subject-access-{customer.pk}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CaseHoldView(ApiViewMixin, APIView):
    """Place a legal hold on one case (managers)."""

    required_scopes = {"post": STAFF_ONLY}

    @extend_schema(request=HoldIn, responses={201: HoldOut}, summary="Hold a case")
    def post(self, request, reference: str):
        case = get_object_or_404(api_cases(user=request.user), reference=reference)
        _managers_only(request)
        hold = legal_hold_place(
            case=case, reason=_reason(request), by=actor_of(request)
        )
        return Response(HoldOut(hold).data, status=status.HTTP_201_CREATED)


class CustomerHoldView(ApiViewMixin, APIView):
    """Place a legal hold on every case of a customer (managers)."""

    required_scopes = {"post": STAFF_ONLY}

    @extend_schema(request=HoldIn, responses={201: HoldOut}, summary="Hold a customer")
    def post(self, request, customer_id: int):
        customer = customer_for(request.user, customer_id)
        if customer is None:
            raise Http404("No such customer.")
        _managers_only(request)
        hold = legal_hold_place(
            customer=customer, reason=_reason(request), by=actor_of(request)
        )
        return Response(HoldOut(hold).data, status=status.HTTP_201_CREATED)


class HoldLiftView(ApiViewMixin, APIView):
    """Lift a legal hold (managers)."""

    required_scopes = {"post": STAFF_ONLY}

    @extend_schema(request=HoldIn, responses={200: HoldOut}, summary="Lift a hold")
    def post(self, request, hold_id: int):
        _managers_only(request)
        hold = get_object_or_404(LegalHold.objects.select_related("case"), pk=hold_id)
        hold = legal_hold_lift(hold=hold, reason=_reason(request), by=actor_of(request))
        return Response(HoldOut(hold).data)
