"""/api/v1/ routes for vulnerability, representation and four eyes on letters.

- `GET|PUT|DELETE customers/{id}/vulnerability/`: the drivers, adjustments and
  consent (DELETE withdraws the consent and clears them);
- `GET|PUT|DELETE customers/{id}/representative/`: who acts for them;
  both for staff who may see the customer (service clients: 403);
- `POST complaints/{reference}/letters/preview/`: the letter as it would go,
  what it lacks and whether it needs a second approval (writes nothing);
- `GET|POST complaints/{reference}/letters/approvals/`: ask for approval;
- `POST letter-approvals/{id}/{approve,refuse,send}/`.
Refusals: 409 problem+json with `missing` (consent, approval,
another_approver …), 422 with `errors` for a field at fault.
"""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import problem
from api.permissions import MANAGE, STAFF_ONLY
from api.serializers.customers import RepresentativeSerializer, VulnerabilitySerializer
from api.views.base import ApiViewMixin
from api.views.complaints import actor_of
from complaints.bounds import TEXT_MAX, validate_text
from complaints.exceptions import ActionForbidden, DomainError, InvalidInput
from customers.models import (
    LetterCopy,
    RepresentativeKind,
    Vulnerability,
    VulnerabilityDriver,
)
from customers.selectors import customer_for, representative_of, vulnerability_of

from .api import LetterIn, _case, letter_fields, letter_refused
from .approvals import (
    letter_approval_approve,
    letter_approval_refuse,
    letter_approval_request,
    letter_approval_send,
)
from .models import ApprovalStatus, LetterKind, Outcome
from .selectors import case_letter_approvals, letter_approvals_visible_to
from .sending import LetterRefused, letter_draft
from .support import (
    customer_representative_record,
    customer_representative_remove,
    customer_vulnerability_consent_withdraw,
    customer_vulnerability_record,
)


def refusal(exc: DomainError) -> Response:
    """422 with `errors` for fields at fault (the service raises InvalidInput
    for those), else 409 with `missing`: a state that stands in the way."""
    if isinstance(exc, InvalidInput):
        errors = {code: [exc.detail] for code in exc.missing}
        return problem(422, exc.title, exc.detail, errors=errors)
    slug = exc.title.lower().replace(" ", "-")
    return problem(409, exc.title, exc.detail, type=slug, missing=exc.missing)


def _object(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    return request.data


def _customer(request, customer_id: int):
    customer = customer_for(request.user, customer_id)
    if customer is None:
        raise Http404("No such customer.")
    return customer


class VulnerabilityIn(serializers.Serializer):
    drivers = serializers.ListField(
        child=serializers.ChoiceField(choices=VulnerabilityDriver.choices),
        max_length=len(VulnerabilityDriver.values),
    )
    adjustments = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    consent_from = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Who consents now (the customer, or their representative); "
        "required unless a consent is recorded already.",
    )

    def validate_adjustments(self, value):
        validate_text(value)
        return value


class RepresentativeIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, validators=[validate_text])
    kind = serializers.ChoiceField(choices=RepresentativeKind.choices)
    authority = serializers.CharField(max_length=TEXT_MAX, validators=[validate_text])
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    receives_letters = serializers.ChoiceField(
        choices=LetterCopy.choices, required=False, default=LetterCopy.NO
    )


class CustomerRecordView(ApiViewMixin, APIView):
    """A record kept on the customer: read it, record it (PUT), end it (DELETE).

    Subclasses name the input serializer, the output serializer, the selector
    and the two services that write it; each reads it in its own `get`.
    """

    required_scopes = {"*": STAFF_ONLY}
    problem_statuses = {"put": (409, 422)}
    input_class: type[serializers.Serializer]
    output_class: type[serializers.Serializer]
    record: Callable[..., Any]  # the service that records (customer=, by=, …)
    end: Callable[..., Any]  # the service that ends it (customer=, by=)

    def put(self, request, customer_id: int):
        customer = _customer(request, customer_id)
        data = self.input_class(data=_object(request))
        data.is_valid(raise_exception=True)
        try:
            record = self.record(
                customer=customer, by=actor_of(request), **data.validated_data
            )
        except DomainError as exc:
            return refusal(exc)
        return Response(self.output_class(record).data)

    def delete(self, request, customer_id: int):
        self.end(customer=_customer(request, customer_id), by=actor_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(responses={200: VulnerabilitySerializer}),
    put=extend_schema(
        request=VulnerabilityIn, responses={200: VulnerabilitySerializer}
    ),
    delete=extend_schema(request=None, responses={204: None}),
)
class VulnerabilityView(CustomerRecordView):
    """The customer's vulnerability: drivers, adjustments, consent (staff)."""

    input_class = VulnerabilityIn
    output_class = VulnerabilitySerializer
    record = staticmethod(customer_vulnerability_record)
    end = staticmethod(customer_vulnerability_consent_withdraw)

    def get(self, request, customer_id: int):
        customer = _customer(request, customer_id)
        record = vulnerability_of(customer) or Vulnerability(customer=customer)
        return Response(VulnerabilitySerializer(record).data)


@extend_schema_view(
    get=extend_schema(responses={200: RepresentativeSerializer}),
    put=extend_schema(
        request=RepresentativeIn, responses={200: RepresentativeSerializer}
    ),
    delete=extend_schema(request=None, responses={204: None}),
)
class RepresentativeView(CustomerRecordView):
    """Who acts for the customer, with their authority (staff)."""

    input_class = RepresentativeIn
    output_class = RepresentativeSerializer
    record = staticmethod(customer_representative_record)
    end = staticmethod(customer_representative_remove)

    def get(self, request, customer_id: int):
        """The representative; 404 when none is recorded."""
        record = representative_of(_customer(request, customer_id))
        if record is None:
            raise Http404("No representative is recorded for this customer.")
        return Response(RepresentativeSerializer(record).data)


class PreviewOut(serializers.Serializer):
    text = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    approval_required = serializers.ListField(
        child=serializers.CharField(), help_text="Why four eyes apply (empty: no)."
    )


class LetterPreviewView(ApiViewMixin, APIView):
    """A letter as it would be sent now; nothing is written."""

    required_scopes = {"post": MANAGE}
    problem_statuses = {"post": (409, 422)}

    @extend_schema(request=LetterIn, responses={200: PreviewOut})
    def post(self, request, reference: str):
        draft = letter_draft(case=_case(request, reference), **letter_fields(request))
        return Response(
            {
                "text": draft.text,
                "missing": draft.missing,
                "approval_required": draft.approval_reasons,
            }
        )


class ApprovalOut(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.reference")
    kind = serializers.ChoiceField(choices=LetterKind.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True)
    body = serializers.CharField()
    sha256 = serializers.CharField()
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    requested_by = serializers.CharField(source="requested_by_label")
    requested_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    letter = serializers.IntegerField(
        source="letter_id", allow_null=True, help_text="The letter sent, once sent."
    )


class LetterApprovalsView(ApiViewMixin, APIView):
    """Letters of a case sent for a second person's approval."""

    required_scopes = {"get": MANAGE, "post": MANAGE}
    problem_statuses = {"post": (409, 422)}

    @extend_schema(responses={200: ApprovalOut(many=True)})
    def get(self, request, reference: str):
        case = _case(request, reference)
        rows = case_letter_approvals(case).select_related("case")
        return Response(ApprovalOut(rows, many=True).data)

    @extend_schema(request=LetterIn, responses={201: ApprovalOut})
    def post(self, request, reference: str):
        case = _case(request, reference)
        fields = letter_fields(request)
        try:
            approval = letter_approval_request(
                case=case, by=actor_of(request), **fields
            )
        except LetterRefused as exc:
            return letter_refused(exc)
        return Response(ApprovalOut(approval).data, status=status.HTTP_201_CREATED)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(
        max_length=2_000, required=False, allow_blank=True, default=""
    )


MOVES = {
    "approve": letter_approval_approve,
    "refuse": letter_approval_refuse,
}


class LetterApprovalMoveView(ApiViewMixin, APIView):
    """Approve or refuse a letter (another lead or manager), or send it."""

    required_scopes = {"post": MANAGE}
    problem_statuses = {"post": (409, 422)}
    verb = ""  # not `action`: the scope check reads that as a viewset's action

    @extend_schema(request=NoteIn, responses={200: ApprovalOut})
    def post(self, request, approval_id: int):
        approval = get_object_or_404(
            letter_approvals_visible_to(request.user), pk=approval_id
        )
        try:
            if self.verb == "send":
                letter_approval_send(approval=approval, by=actor_of(request))
            else:
                data = NoteIn(data=_object(request))
                data.is_valid(raise_exception=True)
                MOVES[self.verb](
                    approval=approval, by=actor_of(request), **data.validated_data
                )
        except ActionForbidden:
            raise
        except DomainError as exc:
            return refusal(exc)
        approval.refresh_from_db()
        return Response(ApprovalOut(approval).data)
