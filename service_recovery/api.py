"""/api/v1/problems/, /api/v1/promises/{id}/keep/ and a case's promises.

Problems are read and worked by team leads and managers (others get 403);
promises live on cases, so they follow `complaints.selectors.cases_visible_to`
(a case or promise the caller may not see is 404).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.pagination import DefaultCursorPagination
from api.permissions import MANAGE, STAFF_ONLY, HasScopeOrStaffRole, is_service_client
from api.serializers.common import StaffField
from api.views.base import ApiViewSet
from api.views.complaints import actor_of
from complaints.selectors import cases_visible_to

from . import problems, promises, selectors
from .models import Problem, ProblemAction, Promise


class ProblemPagination(DefaultCursorPagination):
    ordering = ("-opened_at", "-id")


class IsLeadOrManager(BasePermission):
    """Problems span teams: team leads and managers only."""

    message = "Only team leads and managers work problems."

    def has_permission(self, request, view) -> bool:
        return not is_service_client(request.user) and selectors.may_see_problems(
            request.user
        )


class RecurringProblemActionSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProblemAction
        fields = ["id", "text", "by", "created_at"]
        read_only_fields = fields


class RecurringProblemSerializer(serializers.ModelSerializer):
    owner = StaffField(read_only=True)
    cases_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "key",
            "basis",
            "product",
            "status",
            "owner",
            "cases_count",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields


class RecurringProblemDetailSerializer(RecurringProblemSerializer):
    cases = serializers.SerializerMethodField()
    actions = RecurringProblemActionSerializer(many=True, read_only=True)
    effect = serializers.SerializerMethodField()

    class Meta(RecurringProblemSerializer.Meta):
        fields = [*RecurringProblemSerializer.Meta.fields, "cases", "actions", "effect"]
        read_only_fields = fields

    def get_cases(self, problem) -> list[str]:
        user = self.context["request"].user
        cases = selectors.problem_cases_visible_to(user, problem)
        return list(cases.values_list("reference", flat=True))

    def get_effect(self, problem) -> dict:
        return selectors.problem_effect_for(self.context["request"].user, problem)


class ProblemActionIn(serializers.Serializer):
    text = serializers.CharField(max_length=5_000)


class ProblemOwnerIn(serializers.Serializer):
    owner = StaffField(help_text="Username of a team lead or manager.")


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Problems: many cases with one root cause or category (team leads, managers)."""

    permission_classes = [HasScopeOrStaffRole, IsLeadOrManager]
    serializer_class = RecurringProblemSerializer
    required_scopes = {"list": STAFF_ONLY, "retrieve": STAFF_ONLY, "*": MANAGE}
    problem_statuses = {"*": (409, 422)}
    pagination_class = ProblemPagination
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        return selectors.problems_visible_to(self.request.user)

    def get_serializer_class(self):
        return (
            RecurringProblemSerializer
            if self.action == "list"
            else RecurringProblemDetailSerializer
        )

    def _detail(self, problem: Problem) -> Response:
        return Response(
            RecurringProblemDetailSerializer(
                self.get_queryset().get(pk=problem.pk),
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(
        request=ProblemActionIn, responses={200: RecurringProblemDetailSerializer}
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def record_action(self, request, pk: str):
        problem = self.get_object()
        self.require_object_body()
        problems.problem_act(
            problem=problem, by=request.user, **self.valid(ProblemActionIn)
        )
        return self._detail(problem)

    @extend_schema(
        request=ProblemOwnerIn, responses={200: RecurringProblemDetailSerializer}
    )
    @action(detail=True, methods=["post"])
    def owner(self, request, pk: str):
        problem = self.get_object()
        self.require_object_body()
        problems.problem_set_owner(
            problem=problem, by=request.user, **self.valid(ProblemOwnerIn)
        )
        return self._detail(problem)

    @extend_schema(request=None, responses={200: RecurringProblemDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk: str):
        problem = self.get_object()
        problems.problem_close(problem=problem, by=request.user)
        return self._detail(problem)


class PromiseSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    owner = StaffField(read_only=True)

    class Meta:
        model = Promise
        fields = [
            "id",
            "case",
            "text",
            "due_at",
            "owner",
            "customer_facing",
            "created_at",
            "kept_at",
            "reminded_at",
            "escalated_at",
        ]
        read_only_fields = fields


class PromiseIn(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    due_at = serializers.DateTimeField()
    owner = StaffField(
        help_text="Username of staff who may see the case (422 otherwise)."
    )
    customer_facing = serializers.BooleanField(required=False, default=True)


class CasePromiseViewSet(mixins.ListModelMixin, ApiViewSet):
    """A case's promises: list them, or record one (`cases:manage`)."""

    serializer_class = PromiseSerializer
    required_scopes = {"list": MANAGE, "*": MANAGE}
    problem_statuses = {"create": (409, 422)}
    filter_backends = []
    pagination_class = None

    def case(self):
        return get_object_or_404(
            cases_visible_to(self.request.user), reference=self.kwargs["reference"]
        )

    def get_queryset(self):
        return selectors.case_promises(self.case())

    @extend_schema(
        request=PromiseIn,
        responses={201: PromiseSerializer},
        summary="Record a promise",
    )
    def create(self, request, reference: str):
        case = self.case()
        self.require_object_body()
        promise = promises.promise_make(
            case=case, by=actor_of(request), **self.valid(PromiseIn)
        )
        return Response(PromiseSerializer(promise).data, status=status.HTTP_201_CREATED)


class PromiseViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """Promises by id: read one, or record that it was kept (`cases:manage`)."""

    serializer_class = PromiseSerializer
    required_scopes = {"*": MANAGE}
    problem_statuses = {"keep": (409,)}
    lookup_value_regex = r"\d+"
    filter_backends = []

    def get_queryset(self):
        return selectors.promises_visible_to(self.request.user)

    @extend_schema(
        request=None, responses={200: PromiseSerializer}, summary="The promise was kept"
    )
    @action(detail=True, methods=["post"])
    def keep(self, request, pk: str):
        promise = promises.promise_keep(promise=self.get_object(), by=actor_of(request))
        return Response(PromiseSerializer(promise).data)
