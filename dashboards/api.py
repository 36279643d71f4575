"""GET /api/v1/metrics/summary/: the dashboard figures over the API.

The same `metrics_summary` as the page computes them; every field's
description comes from `metrics.definitions`, so the schema explains each
figure exactly as the dashboard does. Team leads and managers only (an agent
or a service client gets 403); a bad filter value is a 400 problem.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import OPEN_STAGES, Channel, Priority

from .metrics import DEFINITIONS as D
from .metrics import (
    FilterInvalid,
    filter_parse,
    may_see_dashboard,
    metrics_summary,
)

Rate = serializers.FloatField
RATE = " A share from 0 to 1; null when there is nothing to divide by."


def _rate(help_text: str) -> serializers.FloatField:
    return Rate(allow_null=True, help_text=help_text + RATE)


class ByStageSerializer(serializers.Serializer):
    """Open cases now, one integer per open stage."""

    def get_fields(self):
        return {
            stage: serializers.IntegerField(help_text=f"Open cases in {stage}.")
            for stage in OPEN_STAGES
        }


class SeriesPointSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the interval.")
    opened = serializers.IntegerField()
    closed = serializers.IntegerField()
    backlog = serializers.IntegerField(help_text=D["backlog"])


class FunnelSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()


class StageStallSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    open = serializers.IntegerField()
    stalled = serializers.IntegerField(help_text="No activity for 7 days or more.")
    oldest_days = serializers.IntegerField(
        allow_null=True, help_text="Days since the oldest open case was filed."
    )


class ComplianceSerializer(serializers.Serializer):
    met_on_time = serializers.IntegerField()
    missed = serializers.IntegerField()
    decided = serializers.IntegerField()
    compliance = _rate("met_on_time / decided.")


class SlaSerializer(serializers.Serializer):
    first_response = ComplianceSerializer(help_text=D["sla_first_response"])
    resolution = ComplianceSerializer(help_text=D["sla_resolution"])


class TimeSerializer(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Cases timed.")
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class TimesSerializer(serializers.Serializer):
    first_response = TimeSerializer(help_text=D["time_to_first_response"])
    resolution = TimeSerializer(help_text=D["time_to_resolution"])


class EscalationSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label = serializers.CharField()
    escalations = serializers.IntegerField()


class ReopenSerializer(serializers.Serializer):
    reopened_cases = serializers.IntegerField()
    reopens = serializers.IntegerField(help_text="Reopens of those cases in all.")
    rate = _rate(D["reopen_rate"])


class AmountSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="ISO 4217.")
    offers = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    average = serializers.DecimalField(max_digits=14, decimal_places=2)
    granted_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Accepted or fulfilled."
    )


class OfferKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    accepted = serializers.IntegerField(help_text="Accepted or fulfilled.")
    decided = serializers.IntegerField(
        help_text="Accepted, fulfilled, declined or countered."
    )
    acceptance_rate = _rate("accepted / decided.")
    needed_approval = serializers.IntegerField(help_text="Above the policy limit.")
    needed_approval_share = _rate("needed_approval / count.")
    amounts = AmountSerializer(many=True, help_text="Per currency.")


class OffersSerializer(serializers.Serializer):
    by_kind = OfferKindSerializer(many=True, help_text=D["offers"])
    approvals_pending = serializers.IntegerField(help_text=D["approvals_pending"])


class ScoreSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="1 (worst) to 5 (best).")
    followups = serializers.IntegerField()


class SatisfactionSerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True)
    distribution = ScoreSerializer(many=True)
    completed = serializers.IntegerField()
    scored = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    response_rate = _rate("scored / completed.")


class FollowupsSerializer(serializers.Serializer):
    due = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    completion_rate = _rate("done / due.")


class CustomerRowSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    name = serializers.CharField()
    cases = serializers.IntegerField()
    open = serializers.IntegerField(required=False)
    escalated = serializers.IntegerField(required=False)


class CustomersSerializer(serializers.Serializer):
    repeat_complainants = serializers.IntegerField(help_text=D["repeat_complainants"])
    repeat_top = CustomerRowSerializer(many=True, help_text="The ten with most cases.")
    at_risk = serializers.IntegerField(help_text=D["at_risk"])
    at_risk_top = CustomerRowSerializer(many=True, help_text="Ten, escalated first.")


class RankingSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null for none recorded.")
    slug = serializers.CharField(help_text="Empty for cases with none recorded.")
    name = serializers.CharField()
    cases = serializers.IntegerField()
    previous = serializers.IntegerField(help_text="In the period just before.")
    change = serializers.IntegerField()
    cumulative_share = _rate("Share of the period's cases up to this row.")


class AgentSerializer(serializers.Serializer):
    username = serializers.CharField()
    open = serializers.IntegerField()
    filed = serializers.IntegerField()
    closed = serializers.IntegerField()
    sla_decided = serializers.IntegerField()
    sla_compliance = _rate("First-response deadlines met on time / decided.")
    csat_average = serializers.FloatField(allow_null=True)


class SkippedStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    skips = serializers.IntegerField()


class SkipsSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    steps = serializers.IntegerField()
    rate = _rate("cases / opened.")
    stages = SkippedStageSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    """Every dashboard figure for the filter."""

    # `from` is a keyword, so the two period fields go in through the namespace.
    locals()["from"] = serializers.DateField(help_text="First day (inclusive).")
    locals()["to"] = serializers.DateField(help_text="Last day (inclusive).")
    bucket = serializers.ChoiceField(
        ["day", "week", "month"], help_text="Interval of `series`."
    )
    opened = serializers.IntegerField(help_text=D["opened"])
    closed = serializers.IntegerField(help_text=D["closed"])
    backlog_at_start = serializers.IntegerField(
        help_text="Cases open at the start of the period."
    )
    open_now = serializers.IntegerField(help_text="Open cases now.")
    by_stage = ByStageSerializer(help_text=D["by_stage"])
    overdue = serializers.IntegerField(help_text=D["overdue"])
    escalated = serializers.IntegerField(help_text=D["escalated"])
    series = SeriesPointSerializer(many=True, help_text=D["backlog"])
    funnel = FunnelSerializer(many=True, help_text=D["funnel"])
    stages = StageStallSerializer(many=True, help_text=D["stalls"])
    sla = SlaSerializer(help_text="SLA compliance, by clock.")
    times = TimesSerializer(help_text="Business-hours times, by clock.")
    escalations = EscalationSerializer(many=True, help_text=D["escalations"])
    reopen = ReopenSerializer(help_text=D["reopen_rate"])
    offers = OffersSerializer(help_text=D["offers"])
    satisfaction = SatisfactionSerializer(help_text=D["satisfaction"])
    followups = FollowupsSerializer(help_text=D["followup_completion"])
    customers = CustomersSerializer(
        help_text="Repeat complainants and customers at risk."
    )
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "When the period figures were last refreshed (every minute); the "
            "figures about now are live. Null: never refreshed yet."
        ),
    )
    categories = RankingSerializer(many=True, help_text=D["categories"])
    root_causes = RankingSerializer(many=True, help_text=D["root_causes"])
    agents = AgentSerializer(many=True, help_text=D["agents"])
    skips = SkipsSerializer(help_text=D["skips"])


PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="First day (inclusive); default 29 days before `to`.",
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last day (inclusive); default today."
    ),
    OpenApiParameter(
        "period",
        str,
        enum=["7d", "30d", "90d", "quarter", "all"],
        description="A preset period, used when from/to are absent.",
    ),
    OpenApiParameter("team", str, description="Team slug (a lead: one of theirs)."),
    OpenApiParameter("category", str, description="Category slug."),
    OpenApiParameter("priority", str, enum=Priority.values),
    OpenApiParameter("channel", str, enum=Channel.values),
]


class MetricsSummaryView(APIView):
    @extend_schema(
        responses=SummarySerializer,
        parameters=PARAMETERS,
        operation_id="metrics_summary",
        description="The dashboard figures of the cases the caller may see.",
    )
    def get(self, request):
        if not may_see_dashboard(request.user):
            raise PermissionDenied("The metrics are for team leads and managers.")
        try:
            flt = filter_parse(user=request.user, params=request.query_params)
        except FilterInvalid as exc:
            raise ValidationError(exc.errors) from None
        figures = metrics_summary(user=request.user, flt=flt)
        return Response(SummarySerializer(figures).data)
