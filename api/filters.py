"""Query-parameter filters of the case list (django-filter).

`q` searches reference, subject, description and the customer's name and
email (case-insensitive substring). On PostgreSQL the trigram GIN indexes of
migration `api.0003` serve each of those `icontains`; the customer side is
resolved to ids first, so the whole condition is an OR of index scans. A
service client's `q` reads the customer as it sent it (CONTRACT §9), so the
stored record cannot be probed through search.
"""

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from complaints.bounds import moment_problem, validate_text
from complaints.models import Case, Priority, Stage
from sla.selectors import overdue_q

from .selectors import api_cases_search

MAX_Q = 200
# Strict booleans: an unknown value is a 400, not silently "no filter".
BOOLEAN = [("true", "true"), ("false", "false")]


def _true(value: str) -> bool:
    return value == "true"


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC before it reaches the database.

    Python accepts offsets up to ±24 h, PostgreSQL only ±15:59; a value whose
    UTC equivalent falls outside years 1900–2200 is invalid, not a server error.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        problem = moment_problem(value)
        if problem:
            raise ValidationError(problem)
        return value.astimezone(UTC)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class BoundedCharFilter(django_filters.CharFilter):
    """Text without NUL characters or unpaired surrogates (a 400 otherwise)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_text])
        super().__init__(*args, **kwargs)


class CaseFilter(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(
        choices=Stage.choices, help_text="One or more stages (repeat the parameter)."
    )
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices, help_text="One or more priorities."
    )
    category = django_filters.CharFilter(
        field_name="category__slug", help_text="The category's slug."
    )
    assignee = django_filters.CharFilter(
        field_name="assignee__username", help_text="The assignee's username."
    )
    customer = django_filters.NumberFilter(
        field_name="customer_id", help_text="The customer's id."
    )
    escalated = django_filters.TypedChoiceFilter(
        choices=BOOLEAN,
        coerce=_true,
        method="filter_escalated",
        help_text="Escalated (level 1 or 2), or not.",
    )
    overdue = django_filters.TypedChoiceFilter(
        choices=BOOLEAN,
        coerce=_true,
        method="filter_overdue",
        help_text="With a running SLA deadline past due, or not.",
    )
    created_after = UtcIsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="Filed at or after (ISO 8601).",
    )
    created_before = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Filed before (ISO 8601)."
    )
    q = BoundedCharFilter(
        method="filter_q",
        max_length=MAX_Q,
        help_text="Text in the reference, subject, description or the "
        "customer's name or email.",
    )

    class Meta:
        model = Case
        fields = []

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_escalated(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        if value:
            return queryset.filter(escalation_level__gt=0)
        return queryset.filter(escalation_level=0)

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_overdue(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_q(self, queryset, name, value):
        return api_cases_search(queryset, value, user=self.request.user)
