"""/api/v1/ routes of regulated handling (CONTRACT §15).

- `GET|POST complaints/{reference}/letters/`: list, or send a letter (422 with
  `missing` when it lacks what the regime requires). Reading needs
  `complaints:read`, sending `cases:manage`; a caller sees only the cases
  `cases_visible_to` gives it (a service client: the cases it filed).
- `POST complaints/{reference}/received-at/`: a manager corrects the receipt.
- `GET returns/{regime}/?from=&to=[&format=csv]`: the periodic return, for
  managers only.
Views parse, check and call one service or selector.
"""

import csv
import io
from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import problem
from api.permissions import MANAGE, READ, STAFF_ONLY, is_service_client
from api.selectors import api_cases
from api.serializers.common import MomentField
from api.views.base import ApiViewMixin
from api.views.complaints import actor_of
from complaints.bounds import TEXT_MAX, validate_text
from teams.selectors import is_manager

from .models import LetterKind, Outcome
from .returns import regime_return
from .selectors import case_letters, regime_version
from .sending import ApprovalRequired, LetterRefused, letter_send
from .services import case_received_at_change, received_at_change_check

MAX_LETTER = TEXT_MAX
MAX_RETURN_DAYS = 731


class LetterIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    body = serializers.CharField(
        max_length=MAX_LETTER,
        required=False,
        allow_blank=True,
        validators=[validate_text],
        help_text="The letter's text; omitted: the regime's template is rendered.",
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_null=True,
        help_text="For a final response: it meets the final clock.",
    )


class LetterOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    outcome = serializers.CharField(allow_blank=True)
    body = serializers.CharField()
    sha256 = serializers.CharField()
    pdf_sha256 = serializers.CharField(allow_blank=True)
    regime = serializers.CharField(source="regime.code")
    sent_at = serializers.DateTimeField()
    sent_by = serializers.CharField(source="sent_by_label")
    referral_window_ends = serializers.DateTimeField(allow_null=True)
    to = serializers.EmailField(allow_blank=True)
    copy_to = serializers.EmailField(
        allow_blank=True, help_text="The customer's representative, sent a copy."
    )


class ReceivedAtIn(serializers.Serializer):
    received_at = MomentField()
    reason = serializers.CharField(max_length=2_000, validators=[validate_text])


def csv_response(rows: list[tuple[str, str]], filename: str) -> HttpResponse:
    """The return as a CSV file (metric, value)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["metric", "value"])
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _case(request, reference: str):
    return get_object_or_404(api_cases(user=request.user), reference=reference)


def letter_fields(request) -> dict:
    """The letter asked for (`LetterIn`) as the letter services take it."""
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    data = LetterIn(data=request.data)
    data.is_valid(raise_exception=True)
    fields = data.validated_data
    return {
        "kind": fields["kind"],
        "body": fields.get("body"),
        "outcome": fields.get("outcome"),
    }


def letter_refused(exc: LetterRefused) -> Response:
    """422 with `missing`: the contents the regime requires that the letter lacks."""
    return problem(
        422, exc.title, exc.detail, type="letter-refused", missing=exc.missing
    )


class LettersView(ApiViewMixin, APIView):
    """The letters of one case: list them or send one."""

    required_scopes = {"get": READ, "post": MANAGE}
    problem_statuses = {"post": (409, 422)}

    @extend_schema(responses={200: LetterOut(many=True)}, summary="Letters sent")
    def get(self, request, reference: str):
        case = _case(request, reference)
        letters = case_letters(case).select_related("regime")
        return Response(LetterOut(letters, many=True).data)

    @extend_schema(
        request=LetterIn,
        responses={201: LetterOut},
        summary="Send a letter (422 with `missing` when it lacks required contents)",
    )
    def post(self, request, reference: str):
        case = _case(request, reference)
        fields = letter_fields(request)
        try:
            letter = letter_send(case=case, by=actor_of(request), **fields)
        except LetterRefused as exc:
            return letter_refused(exc)
        except ApprovalRequired as exc:
            return problem(
                409,
                exc.title,
                exc.detail,
                type="approval-required",
                missing=exc.missing,
            )
        return Response(LetterOut(letter).data, status=status.HTTP_201_CREATED)


class ReceivedAtView(ApiViewMixin, APIView):
    """Correct when a complaint was received (managers, with a reason)."""

    required_scopes = {"post": MANAGE}

    @extend_schema(
        request=ReceivedAtIn, responses={204: None}, summary="Correct receipt"
    )
    def post(self, request, reference: str):
        case = _case(request, reference)
        received_at_change_check(by=actor_of(request))
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send a JSON object."]})
        data = ReceivedAtIn(data=request.data)
        data.is_valid(raise_exception=True)
        case_received_at_change(case=case, by=actor_of(request), **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReturnQuery(serializers.Serializer):
    locals()["from"] = serializers.DateField()
    to = serializers.DateField()

    def validate(self, attrs):
        start, end = attrs["from"], attrs["to"]
        for day in (start, end):
            if not 1900 <= day.year <= 2200:
                raise serializers.ValidationError("Dates must be in 1900–2200.")
        if start > end:
            raise serializers.ValidationError("`from` must not be after `to`.")
        if end - start > timedelta(days=MAX_RETURN_DAYS):
            raise serializers.ValidationError("At most two years per return.")
        return attrs


class ReturnsView(ApiViewMixin, APIView):
    """A regime's periodic complaints return (managers only)."""

    required_scopes = {"get": STAFF_ONLY}

    def perform_content_negotiation(self, request, force=False):
        # `?format=csv` is this view's own switch, not DRF's renderer choice:
        # errors stay problem+json whatever the format asked.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("format", str, enum=["json", "csv"]),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        summary="The regime's periodic complaints return",
    )
    def get(self, request, regime: str):
        if is_service_client(request.user) or not is_manager(request.user):
            raise PermissionDenied("Only managers may read returns.")
        query = ReturnQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["from"], query.validated_data["to"]
        version = regime_version(code=regime[:20], on=end)
        if version is None:
            raise ValidationError({"regime": ["No such regime in force then."]})
        result = regime_return(regime=version, start=start, end=end)
        if request.query_params.get("format") == "csv":
            name = f"return-{version.code}-{start}-{end}.csv"
            return csv_response(result.rows(), name)
        return Response(
            {
                "regime": result.regime,
                "from": start,
                "to": end,
                "opened": result.opened,
                "closed": result.closed,
                "open_at_start": result.open_at_start,
                "open_at_end": result.open_at_end,
                "by_outcome": result.by_outcome,
                "closed_by_band": result.by_band,
                "redress_paid": result.redress_paid,
                "vulnerable": result.vulnerable,
            }
        )
