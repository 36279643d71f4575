"""Case input shapes: filing a complaint, editing a case, moving it on."""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from complaints.bounds import JSON_MAX_BYTES, MAX_DEPTH, validate_json
from complaints.models import Category, Channel, CloseReason, Priority, RootCause, Stage

from .common import MomentField, StaffField


class CustomerIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=40, required=False)
    external_ref = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        default=None,
        help_text="Your id for the customer, unique per API key (another key's "
        "ids are never matched); matched before the email.",
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language to write to the customer in (for a new customer, "
        "or one without one yet); the site's default when left out.",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A broken delivery",
            request_only=True,
            value={
                "customer": {
                    "email": "ada@example.com",
                    "name": "Ada Lovelace",
                    "external_ref": "shop-1815",
                },
                "subject": "Parcel arrived broken",
                "description": "The vase was in pieces when I opened the box.",
                "priority": "high",
                "desired_outcome": "A replacement vase.",
                "metadata": {"order": "SO-2231"},
            },
        )
    ]
)
class ComplaintIn(serializers.Serializer):
    context_free = True  # api.views.base.ApiViewSet.valid reuses one per thread

    customer = CustomerIn()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="A category slug; it routes the case to the category's team.",
    )
    priority = serializers.ChoiceField(
        choices=Priority.choices, default=Priority.NORMAL
    )
    desired_outcome = serializers.CharField(
        max_length=5_000, required=False, default="", allow_blank=True
    )
    occurred_at = MomentField(
        required=False, allow_null=True, help_text="Within the years 1900–2200."
    )
    received_at = MomentField(
        required=False,
        allow_null=True,
        help_text="When the complaint reached you, if you relay one received "
        "earlier (at most 90 days ago, not in the future); statutory clocks "
        "run from it. Default: now.",
    )
    metadata = serializers.DictField(
        required=False,
        default=dict,
        validators=[validate_json],
        help_text=f"Your own key/value data: at most {JSON_MAX_BYTES // 1024} KiB "
        f"as JSON, {MAX_DEPTH} levels deep, 200 keys per object, no NUL "
        "characters or unpaired surrogates.",
    )


class CasePatchIn(serializers.Serializer):
    assignee = StaffField(
        required=False,
        allow_null=True,
        help_text="A username of someone who may take the case: a member of its "
        "team or a manager (a case with no team: someone in exactly one team, "
        "whose team it joins). Handing a case to someone else is for team leads "
        "and managers (403 otherwise); an agent may take an unassigned case of "
        "their team or hand their own back with null. Someone who may not take "
        "the case is 422.",
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    subject = serializers.CharField(max_length=200, required=False)
    customer_account = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True
    )
    restatement = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True
    )
    desired_outcome = serializers.CharField(
        max_length=5_000, required=False, allow_blank=True
    )
    root_cause = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=RootCause.objects.filter(active=True),
        required=False,
        allow_null=True,
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Acknowledge with an apology",
            request_only=True,
            value={
                "to": "acknowledged",
                "apology": "We are sorry. Will you accept our apology?",
            },
        ),
        OpenApiExample(
            "Close as a duplicate",
            request_only=True,
            value={
                "to": "closed",
                "close_reason": "duplicate",
                "duplicate_of": "C-2026-000041",
            },
        ),
    ]
)
class TransitionIn(serializers.Serializer):
    to = serializers.ChoiceField(choices=Stage.choices)
    apology = serializers.CharField(max_length=20_000, required=False)
    resolution_summary = serializers.CharField(max_length=20_000, required=False)
    skip_reason = serializers.CharField(max_length=2_000, required=False)
    close_reason = serializers.ChoiceField(choices=CloseReason.choices, required=False)
    duplicate_of = serializers.CharField(
        max_length=20, required=False, help_text="The kept case's reference."
    )
    reason = serializers.CharField(
        max_length=2_000,
        required=False,
        help_text="Why a case is reopened, or why the relationship ends "
        "(close_reason relationship_ended).",
    )
    customer_account = serializers.CharField(max_length=20_000, required=False)
    restatement = serializers.CharField(max_length=20_000, required=False)
    desired_outcome = serializers.CharField(max_length=5_000, required=False)
    desired_outcome_declined = serializers.BooleanField(required=False)
