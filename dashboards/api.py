"""GET /api/v1/metrics/summary/: the dashboard figures over the API.

The same `metrics_summary` as the page computes them; every field's
description comes from `metrics.definitions`, so the schema explains each
figure exactly as the dashboard does. Team leads and managers only (an agent
or a service client gets 403); a bad filter value is a 400 problem.
"""

from functools import partial
from typing import Any

from django.utils.decorators import method_decorator
from django.utils.text import format_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import OPEN_STAGES, Channel, Priority
from config.replica import reads_from_replica

from .metrics import metrics_summary
from .metrics.definitions import DEFINITIONS as D
from .metrics.filters import FilterInvalid, filter_parse, may_see_dashboard

Int, Str, Num = serializers.IntegerField, serializers.CharField, serializers.FloatField
Money = partial(serializers.DecimalField, max_digits=14, decimal_places=2)
RATE = " A share from 0 to 1; null when there is nothing to divide by."


def _rate(help_text: str) -> serializers.FloatField:
    # Lazy both ways: the definitions translate when the schema is read.
    return Num(allow_null=True, help_text=format_lazy("{}{}", help_text, RATE))


def ints(names: str) -> dict[str, serializers.IntegerField]:
    """Integer fields, one per space-separated name."""
    return {name: Int() for name in names.split()}


def shape(name: str, doc: str | None = None, /, **fields: Any) -> type:
    """A serializer `<name>Serializer` of `fields` (its schema component `name`)."""
    attrs = {"__module__": __name__, "__doc__": doc, **fields}
    return type(f"{name}Serializer", (serializers.Serializer,), attrs)


class ByStageSerializer(serializers.Serializer):
    """Open cases now, one integer per open stage."""

    def get_fields(self):
        return {
            stage: Int(help_text=f"Open cases in {stage}.") for stage in OPEN_STAGES
        }


Labelled = {"stage": Str(), "label": Str()}
Compliance = shape(
    "Compliance",
    **ints("met_on_time missed decided"),
    compliance=_rate("met_on_time / decided."),
)
Time = shape(
    "Time",
    cases=Int(help_text="Cases timed."),
    median_hours=Num(allow_null=True),
    p90_hours=Num(allow_null=True),
)
Amount = shape(
    "Amount",
    currency=Str(help_text="ISO 4217."),
    offers=Int(),
    **{name: Money() for name in ("total", "average")},
    granted_total=Money(help_text="Accepted or fulfilled."),
)
OfferKind = shape(
    "OfferKind",
    kind=Str(),
    label=Str(),
    count=Int(),
    accepted=Int(help_text="Accepted or fulfilled."),
    decided=Int(help_text="Accepted, fulfilled, declined or countered."),
    acceptance_rate=_rate("accepted / decided."),
    needed_approval=Int(help_text="Above the policy limit."),
    needed_approval_share=_rate("needed_approval / count."),
    amounts=Amount(many=True, help_text="Per currency."),
)
CustomerRow = shape(
    "CustomerRow",
    **ints("customer_id cases"),
    name=Str(),
    open=Int(required=False),
    escalated=Int(required=False),
)
Ranking = shape(
    "Ranking",
    id=Int(allow_null=True, help_text="Null for none recorded."),
    slug=Str(help_text="Empty for cases with none recorded."),
    name=Str(),
    cases=Int(),
    previous=Int(help_text="In the period just before."),
    change=Int(),
    cumulative_share=_rate("Share of the period's cases up to this row."),
)
Summary = shape(
    "Summary",
    "Every dashboard figure for the filter.",
    **{
        "from": serializers.DateField(help_text="First day (inclusive)."),
        "to": serializers.DateField(help_text="Last day (inclusive)."),
    },
    bucket=serializers.ChoiceField(
        ["day", "week", "month"], help_text="Interval of `series`."
    ),
    opened=Int(help_text=D["opened"]),
    closed=Int(help_text=D["closed"]),
    backlog_at_start=Int(help_text="Cases open at the start of the period."),
    open_now=Int(help_text="Open cases now."),
    by_stage=ByStageSerializer(help_text=D["by_stage"]),
    overdue=Int(help_text=D["overdue"]),
    escalated=Int(help_text=D["escalated"]),
    series=shape(
        "SeriesPoint",
        start=serializers.DateField(help_text="First day of the interval."),
        **ints("opened closed"),
        backlog=Int(help_text=D["backlog"]),
    )(many=True, help_text=D["backlog"]),
    funnel=shape("Funnel", **Labelled, cases=Int())(many=True, help_text=D["funnel"]),
    stages=shape(
        "StageStall",
        **Labelled,
        open=Int(),
        stalled=Int(help_text="No activity for 7 days or more."),
        oldest_days=Int(
            allow_null=True, help_text="Days since the oldest open case was filed."
        ),
    )(many=True, help_text=D["stalls"]),
    sla=shape(
        "Sla",
        first_response=Compliance(help_text=D["sla_first_response"]),
        resolution=Compliance(help_text=D["sla_resolution"]),
    )(help_text="SLA compliance, by clock."),
    times=shape(
        "Times",
        first_response=Time(help_text=D["time_to_first_response"]),
        resolution=Time(help_text=D["time_to_resolution"]),
    )(help_text="Business-hours times, by clock."),
    escalations=shape("Escalation", label=Str(), **ints("level escalations"))(
        many=True, help_text=D["escalations"]
    ),
    reopen=shape(
        "Reopen",
        reopened_cases=Int(),
        reopens=Int(help_text="Reopens of those cases in all."),
        rate=_rate(D["reopen_rate"]),
    )(help_text=D["reopen_rate"]),
    offers=shape(
        "Offers",
        by_kind=OfferKind(many=True, help_text=D["offers"]),
        approvals_pending=Int(help_text=D["approvals_pending"]),
    )(help_text=D["offers"]),
    satisfaction=shape(
        "Satisfaction",
        average=Num(allow_null=True),
        distribution=shape(
            "Score", score=Int(help_text="1 (worst) to 5 (best)."), followups=Int()
        )(many=True),
        **ints("completed scored unsatisfied"),
        response_rate=_rate("scored / completed."),
    )(help_text=D["satisfaction"]),
    followups=shape(
        "Followups",
        **ints("due done overdue"),
        completion_rate=_rate("done / due."),
    )(help_text=D["followup_completion"]),
    customers=shape(
        "Customers",
        repeat_complainants=Int(help_text=D["repeat_complainants"]),
        repeat_top=CustomerRow(many=True, help_text="The ten with most cases."),
        at_risk=Int(help_text=D["at_risk"]),
        at_risk_top=CustomerRow(many=True, help_text="Ten, escalated first."),
    )(help_text="Repeat complainants and customers at risk."),
    as_of=serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "When the period figures were last refreshed (every minute); the "
            "figures about now are live. Null: never refreshed yet."
        ),
    ),
    categories=Ranking(many=True, help_text=D["categories"]),
    root_causes=Ranking(many=True, help_text=D["root_causes"]),
    agents=shape(
        "Agent",
        username=Str(),
        **ints("open filed closed sla_decided"),
        sla_compliance=_rate("First-response deadlines met on time / decided."),
        csat_average=Num(allow_null=True),
    )(many=True, help_text=D["agents"]),
    recovery=shape(
        "Recovery",
        first_apology=Time(help_text=D["first_apology"]),
        first_offer=shape(
            "FirstOffer", **ints("cases accepted"), rate=_rate("accepted / cases.")
        )(help_text=D["first_offer"]),
        recurrence=shape(
            "Recurrence",
            customers=Int(help_text="Customers with a case closed in the period."),
            again=Int(help_text="Of those, who filed again within 90 days."),
            rate=_rate("again / customers."),
        )(help_text=D["recurrence"]),
        rescored=shape(
            "Rescored",
            cases=Int(),
            before=Num(allow_null=True, help_text="Average first score (1–5)."),
            after=Num(allow_null=True, help_text="Average latest score (1–5)."),
        )(help_text=D["rescored"]),
        goodwill=shape(
            "Goodwill",
            root_cause=Str(),
            currency=Str(help_text="ISO 4217."),
            offers=Int(),
            total=Money(),
        )(many=True, help_text=D["goodwill"]),
        iceberg=shape(
            "Iceberg",
            **ints("problems cases"),
            per_problem=Num(allow_null=True, help_text="cases / problems."),
        )(help_text=D["iceberg"]),
        incidents=shape(
            "IncidentFigures",
            incident_id=Int(),
            title=Str(),
            opened=serializers.DateField(),
            closed=serializers.BooleanField(),
            **ints("cases customers told filed_after_told filed_before_told"),
        )(many=True, help_text=D["incidents"]),
    )(help_text="Service-recovery figures."),
    skips=shape(
        "Skips",
        **ints("cases steps"),
        rate=_rate("cases / opened."),
        stages=shape("SkippedStage", **Labelled, skips=Int())(many=True),
    )(help_text=D["skips"]),
)


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
        responses=Summary,
        parameters=PARAMETERS,
        operation_id="metrics_summary",
        description="The dashboard figures of the cases the caller may see.",
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        if not may_see_dashboard(request.user):
            raise PermissionDenied("The metrics are for team leads and managers.")
        try:
            flt = filter_parse(user=request.user, params=request.query_params)
        except FilterInvalid as exc:
            raise ValidationError(exc.errors) from None
        figures = metrics_summary(user=request.user, flt=flt)
        return Response(Summary(figures).data)
