"""Shapes of the work on a case: messages, offers, follow-ups, the timeline."""

from decimal import Decimal

from rest_framework import serializers

from complaints.bounds import MAX_AMOUNT, validate_currency
from complaints.models import Event, Message, Offer, OfferKind, Visibility
from followups.models import FollowUp, FollowUpChannel, Outcome

from .common import MomentField, StaffField


class MessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    visibility = serializers.ChoiceField(choices=Visibility.choices)


class MessageSerializer(serializers.ModelSerializer):
    author = StaffField(read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "visibility",
            "kind",
            "body",
            "author",
            "author_label",
            "pitch_warning",
            "created_at",
        ]
        read_only_fields = fields


class OfferIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OfferKind.choices)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        required=False,
        allow_null=True,
        help_text="Required for refund, partial_refund and credit; refused for "
        "apology_only, replacement and redo; optional for the others.",
    )
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        required=False,
        allow_blank=True,
        validators=[validate_currency],
        help_text="ISO 4217, e.g. EUR: one of the CURRENCIES setting's or an "
        "offer limit's; given with an amount only.",
    )
    description = serializers.CharField(
        max_length=5_000, required=False, allow_blank=True, default=""
    )
    extra_mile = serializers.BooleanField(
        required=False, default=False, help_text="A gesture beyond the fix itself."
    )


class OfferSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    made_by = StaffField(read_only=True)
    approved_by = StaffField(read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "case",
            "kind",
            "amount",
            "currency",
            "description",
            "extra_mile",
            "status",
            "needed_approval",
            "counter_request",
            "made_by",
            "approved_by",
            "created_at",
            "decided_at",
            "fulfilled_at",
        ]
        read_only_fields = fields


class OfferNoteIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2_000, required=False, allow_blank=True, default=""
    )


class OfferCounterIn(serializers.Serializer):
    counter_request = serializers.CharField(
        max_length=5_000, help_text="What the customer asked for instead."
    )


class OfferFulfilIn(serializers.Serializer):
    note = serializers.CharField(
        max_length=2_000, required=False, allow_blank=True, default=""
    )


class EmptyIn(serializers.Serializer):
    """No body needed (an empty object is fine)."""


class FollowUpIn(serializers.Serializer):
    due_at = MomentField(help_text="Within the years 1900–2200.")
    channel = serializers.ChoiceField(choices=FollowUpChannel.choices)
    note = serializers.CharField(
        max_length=5_000, required=False, allow_blank=True, default=""
    )
    owner = StaffField(
        required=False,
        allow_null=True,
        help_text="Username of staff who may see the case (a member of its team or "
        "a manager; 422 otherwise); the assignee if omitted.",
    )


class FollowUpCompleteIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    csat = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    note = serializers.CharField(
        max_length=5_000, required=False, allow_blank=True, default=""
    )


class FollowUpSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty until the follow-up is done.",
    )
    owner = StaffField(read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "case",
            "due_at",
            "channel",
            "note",
            "owner",
            "status",
            "outcome",
            "csat",
            "result_note",
            "completed_at",
        ]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor = StaffField(
        read_only=True,
        help_text="Username, or null for the system, "
        "the customer or a service client (see actor_label).",
    )
    before = serializers.JSONField(read_only=True, allow_null=True)
    after = serializers.JSONField(read_only=True, allow_null=True)
    data = serializers.DictField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "actor",
            "actor_label",
            "before",
            "after",
            "data",
            "created_at",
        ]
        read_only_fields = fields
