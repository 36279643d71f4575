"""/api/v1/incidents/: open one, link cases and customers, notify, close
(managers only)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.errors import PayloadTooLarge
from api.pagination import DefaultCursorPagination
from api.permissions import MANAGE, STAFF_ONLY, HasScopeOrStaffRole, is_service_client
from api.views.base import ApiViewSet
from api.views.complaints import actor_of
from complaints.models import Category
from complaints.selectors import cases_visible_to
from customers.selectors import customers_visible_to
from teams.selectors import is_manager

from . import incident_import, incidents, selectors
from .models import Incident

MAX_LINKS = 1000
IMPORT_BODY_MAX = incident_import.IMPORT_MAX_BYTES + 64 * 1024


class IsManager(BasePermission):
    message = "Only managers run incidents."

    def has_permission(self, request, view) -> bool:
        return not is_service_client(request.user) and is_manager(request.user)


class IncidentSerializer(serializers.ModelSerializer):
    cases_count = serializers.IntegerField(read_only=True)
    customers_count = serializers.IntegerField(read_only=True)
    notified_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "description",
            "customer_message",
            "created_at",
            "category",
            "closed_at",
            "closing_message",
            "cases_count",
            "customers_count",
            "notified_count",
        ]
        read_only_fields = fields


class IncidentIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, default=""
    )
    customer_message = serializers.CharField(max_length=20_000)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="New cases of this category are suggested for linking.",
    )


class CloseIn(serializers.Serializer):
    closing_message = serializers.CharField(
        max_length=incidents.CLOSING_MESSAGE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Emailed once to each customer told about the incident who "
        "agreed to be contacted; without it, nobody is emailed.",
    )


class CasesIn(serializers.Serializer):
    references = serializers.ListField(
        child=serializers.CharField(max_length=20),
        allow_empty=False,
        max_length=MAX_LINKS,
    )


class CustomersIn(serializers.Serializer):
    customers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=MAX_LINKS,
    )


class ImportIn(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        use_url=False,
        help_text="A CSV (UTF-8): the first cell of each row is a customer's email "
        f"or external ref; at most {incident_import.IMPORT_MAX_BYTES} bytes and "
        f"{incident_import.IMPORT_MAX_ROWS} rows.",
    )


class ImportRowOut(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line number in the file, from 1.")
    value = serializers.CharField()
    outcome = serializers.ChoiceField(choices=incident_import.OUTCOMES)
    detail = serializers.CharField()
    customers = serializers.ListField(child=serializers.IntegerField())


class ImportCountsOut(serializers.Serializer):
    linked = serializers.IntegerField()
    unknown = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    invalid = serializers.IntegerField()


class ImportOut(serializers.Serializer):
    incident = IncidentSerializer()
    counts = ImportCountsOut()
    rows = ImportRowOut(many=True)


class NotifiedOut(serializers.Serializer):
    notified = serializers.IntegerField(help_text="Customers emailed by this call.")


class ClosedOut(serializers.Serializer):
    incident = IncidentSerializer()
    notified = serializers.IntegerField(
        help_text="Customers sent the closing message by this call."
    )


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Incidents: tell every affected customer before they have to ask (managers)."""

    permission_classes = [HasScopeOrStaffRole, IsManager]
    serializer_class = IncidentSerializer
    required_scopes = {"list": STAFF_ONLY, "retrieve": STAFF_ONLY, "*": MANAGE}
    problem_statuses = {"*": (409, 422)}
    pagination_class = DefaultCursorPagination
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        return selectors.incidents_visible_to(self.request.user)

    def _detail(self, incident, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentSerializer(fresh).data, status=code)

    @extend_schema(request=IncidentIn, responses={201: IncidentSerializer})
    def create(self, request):
        self.require_object_body()
        incident = incidents.incident_create(by=request.user, **self.valid(IncidentIn))
        return self._detail(incident, status.HTTP_201_CREATED)

    @extend_schema(request=CasesIn, responses={200: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def cases(self, request, pk: str):
        incident = self.get_object()
        self.require_object_body()
        wanted = set(self.valid(CasesIn)["references"])
        found = list(cases_visible_to(request.user).filter(reference__in=wanted))
        _refuse_unknown(wanted - {c.reference for c in found}, "references")
        incidents.incident_link_cases(
            incident=incident, cases=found, by=actor_of(request)
        )
        return self._detail(incident)

    @extend_schema(request=CustomersIn, responses={200: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def customers(self, request, pk: str):
        incident = self.get_object()
        self.require_object_body()
        wanted = set(self.valid(CustomersIn)["customers"])
        found = list(customers_visible_to(request.user).filter(pk__in=wanted))
        _refuse_unknown({str(i) for i in wanted - {c.pk for c in found}}, "customers")
        incidents.incident_link_customers(
            incident=incident, customers=found, by=actor_of(request)
        )
        return self._detail(incident)

    @extend_schema(
        request={"multipart/form-data": ImportIn},
        responses={200: ImportOut},
        summary="Link customers from a CSV of emails or external refs",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="customers/import",
        parser_classes=[MultiPartParser],
    )
    def customers_import(self, request, pk: str):
        incident = self.get_object()
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > IMPORT_BODY_MAX:
            raise PayloadTooLarge(
                f"The file is over {incident_import.IMPORT_MAX_BYTES} bytes."
            )
        upload = self.valid(ImportIn)["file"]
        if upload.size > incident_import.IMPORT_MAX_BYTES:
            raise PayloadTooLarge(
                f"The file is over {incident_import.IMPORT_MAX_BYTES} bytes."
            )
        report = incident_import.incident_import_customers(
            incident=incident, data=upload.read(), by=actor_of(request)
        )
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(
            {"incident": IncidentSerializer(fresh).data, **report.as_dict()}
        )

    @extend_schema(request=None, responses={200: NotifiedOut})
    @action(detail=True, methods=["post"])
    def notify(self, request, pk: str):
        incident = self.get_object()
        notified = incidents.incident_notify(incident=incident, by=actor_of(request))
        return Response({"notified": notified})

    @extend_schema(
        request=CloseIn,
        responses={200: ClosedOut},
        summary="Close the incident (once); email the closing message to those told",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk: str):
        incident = self.get_object()
        self.require_object_body()
        notified = incidents.incident_close(
            incident=incident, by=actor_of(request), **self.valid(CloseIn)
        )
        fresh = self.get_queryset().get(pk=incident.pk)
        return Response(
            {"incident": IncidentSerializer(fresh).data, "notified": notified}
        )


class SuggestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Incident
        fields = ["id", "title", "created_at", "category"]
        read_only_fields = fields


class CaseIncidentSuggestionViewSet(mixins.ListModelMixin, ApiViewSet):
    """Open incidents a case may belong to (staff who may see the case)."""

    serializer_class = SuggestionSerializer
    required_scopes = {"list": STAFF_ONLY}
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        case = get_object_or_404(
            cases_visible_to(self.request.user), reference=self.kwargs["reference"]
        )
        return selectors.incident_suggestions(case, user=self.request.user)

    @extend_schema(summary="Open incidents the case may belong to")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


def _refuse_unknown(unknown: set[str], field: str) -> None:
    if unknown:
        listed = ", ".join(sorted(unknown)[:20])
        raise serializers.ValidationError({field: [f"Not found: {listed}"]})
