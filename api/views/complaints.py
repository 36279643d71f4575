"""/api/v1/complaints/: file, list, read, edit and move cases; the work on them.

Attachments (`{reference}/attachments/`): listing takes `complaints:read`;
attaching takes `complaints:write` or `cases:manage` — a service client that
filed the case may add its evidence (it sees only the cases it filed), and
staff keys that work cases may too.
"""

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from attachments.models import Source
from attachments.selectors import attachments_of_case
from attachments.services import attachment_add, max_bytes
from complaints import lifecycle, services
from complaints.actors import Actor
from complaints.selectors import cases_visible_to, related_known
from config.numbers import whole_number
from followups.services import followup_schedule
from regimes.selectors import letters_brief

from .. import selectors
from ..errors import PayloadTooLarge
from ..filters import CaseFilter
from ..idempotency import HEADER, idempotent
from ..models import ApiClient
from ..pagination import TimelinePagination
from ..permissions import MANAGE, READ, WRITE, is_service_client
from ..serializers.attachments import (
    UPLOAD_SCHEMA,
    AttachmentIn,
    AttachmentSerializer,
)
from ..serializers.case_inputs import CasePatchIn, ComplaintIn, TransitionIn
from ..serializers.cases import (
    CaseDetailSerializer,
    CaseSerializer,
    case_detail_data,
)
from ..serializers.common import ProblemSerializer
from ..serializers.filed import filed_case_data
from ..serializers.work import (
    EventSerializer,
    FollowUpIn,
    FollowUpSerializer,
    MessageIn,
    MessageSerializer,
    OfferIn,
    OfferSerializer,
)
from ..services import complaint_file_from_api
from .base import ApiViewSet, expected_version, with_etag

# Room for the multipart framing around one file of the largest size.
UPLOAD_SLACK = 64 * 1024
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (≤255 chars). A repeat with the same body returns "
    "the first response with `Idempotent-Replayed: true` and creates nothing; "
    "with another body it is 422. Keys expire after 24 hours.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The case\'s ETag (e.g. `"3"`); if the case changed since, 412.',
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description='The case\'s version as a strong tag, e.g. `"3"`; send it as If-Match.',
)


def actor_of(request) -> Actor:
    """Who the timeline names: the user, or the service client's label."""
    if is_service_client(request.user):
        return Actor.of_client(request.user.client.name)
    return Actor.of_user(request.user)


def client_of(request) -> ApiClient | None:
    """The API client behind the request (None for a browser session)."""
    return request.auth if isinstance(request.auth, ApiClient) else None


class ComplaintViewSet(ApiViewSet):
    """Complaint cases, addressed by reference (e.g. C-2026-000042).

    Filing needs `complaints:write`, reading `complaints:read`, working a case
    (edits, transitions, messages, offers, follow-ups) `cases:manage`; a key
    issued for a user acts with that user's role and sees only their teams'
    cases (others are 404). A service client sees each case's customer as it
    sent them when filing, never the shared customer record.
    """

    lookup_field = "reference"
    lookup_value_regex = r"C-\d{4}-\d{6,}"
    filterset_class = CaseFilter
    required_scopes = {
        "create": WRITE,
        "list": READ,
        "retrieve": READ,
        "timeline": READ,
        "attachments": READ,
        "attachments_add": (WRITE, MANAGE),
        "*": MANAGE,
    }
    problem_statuses = {
        "create": (409, 422),
        "partial_update": (412, 422),
        "transitions": (409, 412),
        "messages": (409, 422),
        "offers": (409, 422),
        "followups": (409, 422),
        "attachments_add": (409, 422),
    }

    def get_queryset(self):
        if self.action == "list":
            return selectors.api_cases(user=self.request.user)
        return selectors.api_case_detail(user=self.request.user)

    def filter_queryset(self, queryset):
        # The list's filters must not narrow the lookup of one case.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def case_context(self) -> dict:
        """How the case serializers show the customer to this caller."""
        return {
            "as_filed": selectors.api_shows_customer_as_filed(user=self.request.user)
        }

    def detail_response(self, case, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=case.pk)
        data = case_detail_data(fresh, **self.case_context())
        return with_etag(Response(data, status=code), fresh)

    @extend_schema(
        request=ComplaintIn,
        responses={201: CaseDetailSerializer},
        parameters=[IDEMPOTENCY],
        summary="File a complaint",
    )
    def create(self, request):
        self.require_object_body()
        return idempotent(request, self._file)

    def _file(self) -> Response:
        data = self.valid(ComplaintIn)
        case = complaint_file_from_api(
            client=client_of(self.request),
            by=actor_of(self.request),
            # With a key, `idempotent` runs this in a transaction of its own
            # that any error rolls back whole: no savepoint is needed.
            savepoint=HEADER not in self.request.headers,
            **data,
        )
        context = self.case_context()
        if context["as_filed"]:
            # A service client's answer, built from the case alone
            # (`serializers.filed`): the filing wrote its clocks (`related_known`).
            data = filed_case_data(case)
        else:
            # A case just filed has no letters, offers or follow-ups yet, and
            # the filing recorded the clocks it started (`related_known`):
            # nothing is read again (a lookup not recorded is still loaded).
            for name in ("letters", "offers", "followups"):
                related_known(case, name, [])
            prefetch_related_objects(
                [case],
                "deadlines",
                "statutory_deadlines",
                Prefetch("letters", queryset=letters_brief()),
            )
            data = case_detail_data(case, **context)
        response = with_etag(Response(data, status=status.HTTP_201_CREATED), case)
        response["Location"] = f"/api/v1/complaints/{case.reference}/"
        return response

    @extend_schema(summary="List cases you may see")
    def list(self, request):
        cases = self.filter_queryset(self.get_queryset())
        # The page's keys first, without the joins (a search may match two
        # thousand cases, and joining them all before sorting cost more than
        # the search), then the page's rows with them.
        keys = self.paginate_queryset(
            cases.select_related(None).only("pk", "created_at")
        )
        found = self.get_queryset().in_bulk([key.pk for key in keys])
        page = [found[key.pk] for key in keys if key.pk in found]
        rows = CaseSerializer(page, many=True, context=self.case_context()).data
        return self.get_paginated_response(rows)

    @extend_schema(summary="One case", parameters=[ETAG])
    def retrieve(self, request, reference: str):
        case = self.get_object()
        data = case_detail_data(case, **self.case_context())
        return with_etag(Response(data), case)

    @extend_schema(
        request=CasePatchIn,
        responses={200: CaseDetailSerializer},
        parameters=[IF_MATCH, ETAG],
        summary="Edit a case",
    )
    def partial_update(self, request, reference: str):
        case = self.get_object()
        version = expected_version(request, case)
        self.require_object_body()
        changes = dict(self.valid(CasePatchIn))
        by = actor_of(request)
        with transaction.atomic():
            if "assignee" in changes:
                case = services.case_assign(
                    case=case,
                    assignee=changes.pop("assignee"),
                    by=by,
                    expected_version=version,
                )
                version = case.version if version is not None else None
            if changes:
                case = services.case_update(
                    case=case, by=by, expected_version=version, **changes
                )
        return self.detail_response(case)

    @extend_schema(
        request=TransitionIn,
        responses={200: CaseDetailSerializer},
        parameters=[IF_MATCH, ETAG],
        summary="Move the case to another stage",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, reference: str):
        case = self.get_object()
        version = expected_version(request, case)
        self.require_object_body()
        fields = dict(self.valid(TransitionIn))
        to = fields.pop("to")
        if "duplicate_of" in fields:
            fields["duplicate_of"] = self._kept_case(fields["duplicate_of"])
        case = lifecycle.transition(
            case, to, by=actor_of(request), expected_version=version, **fields
        )
        return self.detail_response(case)

    def _kept_case(self, reference: str):
        kept = cases_visible_to(self.request.user).filter(reference=reference).first()
        if kept is None:
            raise ValidationError({"duplicate_of": ["No case you may see has it."]})
        return kept

    @extend_schema(responses={200: EventSerializer(many=True)}, summary="The timeline")
    @action(
        detail=True,
        methods=["get"],
        pagination_class=TimelinePagination,
        filter_backends=[],
    )
    def timeline(self, request, reference: str):
        case = get_object_or_404(cases_visible_to(request.user), reference=reference)
        page = self.paginate_queryset(
            selectors.api_case_events(case=case, user=request.user)
        )
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(
        request=MessageIn,
        responses={201: MessageSerializer},
        summary="Post a message or an internal note",
    )
    @action(detail=True, methods=["post"])
    def messages(self, request, reference: str):
        case = self.get_object()
        self.require_object_body()
        data = self.valid(MessageIn)
        message = services.message_post(case=case, by=actor_of(request), **data)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OfferIn, responses={201: OfferSerializer}, summary="Make an offer"
    )
    @action(detail=True, methods=["post"])
    def offers(self, request, reference: str):
        case = self.get_object()
        self.require_object_body()
        data = self.valid(OfferIn)
        offer = lifecycle.offer_make(case=case, by=actor_of(request), **data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=FollowUpIn,
        responses={201: FollowUpSerializer},
        summary="Schedule a follow-up (needs the customer's consent)",
    )
    @action(detail=True, methods=["post"])
    def followups(self, request, reference: str):
        case = self.get_object()
        self.require_object_body()
        data = self.valid(FollowUpIn)
        followup = followup_schedule(case=case, by=actor_of(request), **data)
        return Response(
            FollowUpSerializer(followup).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={200: AttachmentSerializer(many=True)},
        summary="The case's attachments",
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request, reference: str):
        case = self.get_object()
        page = self.paginate_queryset(attachments_of_case(case=case))
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(
        request=UPLOAD_SCHEMA,
        responses={
            201: AttachmentSerializer,
            413: OpenApiResponse(
                ProblemSerializer, description="The file is over ATTACHMENT_MAX_BYTES."
            ),
            415: OpenApiResponse(
                ProblemSerializer,
                description="Not multipart/form-data, or the file's content is "
                "of a type not accepted (ATTACHMENT_TYPES).",
            ),
        },
        summary="Attach a file (multipart, field `file`)",
    )
    @attachments.mapping.post
    def attachments_add(self, request, reference: str):
        length = request.META.get("CONTENT_LENGTH") or ""
        if (whole_number(length) or 0) > max_bytes() + UPLOAD_SLACK:
            raise PayloadTooLarge(f"The file is over {max_bytes()} bytes.")
        case = self.get_object()
        data = self.valid(AttachmentIn)
        attachment = attachment_add(
            case=case, file=data["file"], source=Source.API, by=actor_of(request)
        )
        data = AttachmentSerializer(attachment).data
        return Response(data, status=status.HTTP_201_CREATED)
