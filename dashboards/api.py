"""GET /api/v1/metrics/summary/: the dashboard figures over the API."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .metrics import metrics_summary


class SummaryQuery(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (inclusive).")
    end = serializers.DateField(required=False, help_text="Last day (inclusive).")

    def to_internal_value(self, data):
        data = {"start": data.get("from"), "end": data.get("to")}
        return super().to_internal_value({k: v for k, v in data.items() if v})


class SummarySerializer(serializers.Serializer):
    opened = serializers.IntegerField(help_text="Cases filed in the period.")
    closed = serializers.IntegerField(help_text="Cases closed in the period.")
    by_stage = serializers.DictField(
        child=serializers.IntegerField(), help_text="Open cases now, by stage."
    )
    overdue = serializers.IntegerField(help_text="Open cases past an SLA deadline.")
    escalated = serializers.IntegerField(help_text="Open cases escalated (level ≥ 1).")


class MetricsSummaryView(APIView):
    @extend_schema(responses=SummarySerializer, operation_id="metrics_summary")
    def get(self, request):
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = metrics_summary(user=request.user, **query.validated_data)
        return Response(SummarySerializer(figures).data)
