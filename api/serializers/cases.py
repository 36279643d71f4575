"""Case shapes: filing input, list rows, the detail, edits and transitions."""

from django.conf import settings
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers

from complaints.bounds import JSON_MAX_BYTES, MAX_DEPTH, validate_json
from complaints.models import (
    Case,
    Category,
    Channel,
    CloseReason,
    Priority,
    RootCause,
    Stage,
)
from customers.selectors import vulnerability_of
from regimes.selectors import case_final_letter, case_redress_paid
from sla.models import Deadline

from .common import MomentField, StaffField, built
from .customers import (
    RepresentativeSerializer,
    VulnerabilitySerializer,
    representative_data,
    vulnerability_data,
)
from .work import FollowUpSerializer, OfferSerializer


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


class CustomerRef(serializers.Serializer):
    """The customer of a case.

    A service client sees what it sent itself when filing the case (never
    the shared record); staff see the customer record.
    """

    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    external_ref = serializers.CharField(
        allow_null=True,
        help_text="The id the filing API client sent with this case, if any.",
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


class CaseSerializer(serializers.ModelSerializer):
    """A case as lists show it.

    With `as_filed` true in the context (service clients: see
    `api.selectors.api_shows_customer_as_filed`), the customer is the echo of
    what was sent when filing; it defaults to true, so a path that forgets to
    say shows less rather than more.
    """

    customer = serializers.SerializerMethodField()
    category = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    team = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    assignee = StaffField(read_only=True, help_text="The assignee's username.")
    root_cause = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Case
        fields = [
            "reference",
            "subject",
            "stage",
            "priority",
            "channel",
            "category",
            "team",
            "assignee",
            "customer",
            "escalation_level",
            "awaiting_customer",
            "root_cause",
            "regime",
            "received_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CustomerRef)
    def get_customer(self, case):
        filing = getattr(case, "api_filing", None)
        sent = filing.customer if filing is not None else {}
        if self.context.get("as_filed", True):
            shown = {
                "id": case.customer_id,
                "name": sent.get("name", ""),
                "email": sent.get("email", ""),
                "phone": sent.get("phone", ""),
            }
        else:
            customer = case.customer
            shown = {
                "id": customer.pk,
                "name": customer.name,
                "email": customer.email,
                "phone": customer.phone,
            }
        shown["external_ref"] = sent.get("external_ref")
        return built(CustomerRef).to_representation(shown)


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = [
            "kind",
            "target_minutes",
            "due_at",
            "warn_at",
            "met_at",
            "paused_at",
            "breached_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class StatutoryDeadlineSerializer(serializers.Serializer):
    """A statutory clock (CONTRACT §15): it never pauses."""

    kind = serializers.CharField()
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    breached = serializers.BooleanField()


class CaseDetailSerializer(CaseSerializer):
    """One case with its deadlines, statutory clocks, offers and follow-ups."""

    deadlines = DeadlineSerializer(many=True, read_only=True)
    statutory_deadlines = StatutoryDeadlineSerializer(many=True, read_only=True)
    outcome = serializers.SerializerMethodField(
        help_text="The outcome of the last final response, if any."
    )
    referral_window_ends = serializers.SerializerMethodField(
        help_text="When the ombudsman referral window closes, after a final response."
    )
    redress_paid = serializers.SerializerMethodField(
        help_text="Money paid to the customer (fulfilled offers), per currency."
    )
    offers = OfferSerializer(many=True, read_only=True)
    followups = FollowUpSerializer(many=True, read_only=True)
    close_reason = serializers.ChoiceField(
        choices=CloseReason.choices,
        read_only=True,
        allow_blank=True,
        help_text="Empty while the case is open.",
    )
    duplicate_of = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    vulnerable = serializers.SerializerMethodField(
        help_text="Whether the customer was recorded as vulnerable; null for "
        "service clients, who never read more of the customer than they sent."
    )
    vulnerability = serializers.SerializerMethodField(
        help_text="The recorded drivers and adjustments (staff only; else null)."
    )
    representative = serializers.SerializerMethodField(
        help_text="Who acts for the customer (staff only; else null)."
    )

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "description",
            "customer_account",
            "restatement",
            "desired_outcome",
            "desired_outcome_declined",
            "resolution_summary",
            "close_reason",
            "duplicate_of",
            "follow_up_refused",
            "skipped_steps",
            "reopen_count",
            "occurred_at",
            "metadata",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "deadlines",
            "statutory_deadlines",
            "outcome",
            "referral_window_ends",
            "redress_paid",
            "vulnerable",
            "vulnerability",
            "representative",
            "offers",
            "followups",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_outcome(self, case):
        letter = case_final_letter(case)
        return letter.outcome if letter else None

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(), help_text='{"GBP": "150.00"}'
        )
    )
    def get_redress_paid(self, case):
        return case_redress_paid(case.offers.all())

    def _staff(self) -> bool:
        return not self.context.get("as_filed", True)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_vulnerable(self, case):
        if not self._staff():
            return None
        record = vulnerability_of(case.customer)
        return bool(record and record.is_vulnerable)

    @extend_schema_field(VulnerabilitySerializer(allow_null=True))
    def get_vulnerability(self, case):
        return vulnerability_data(case.customer) if self._staff() else None

    @extend_schema_field(RepresentativeSerializer(allow_null=True))
    def get_representative(self, case):
        return representative_data(case.customer) if self._staff() else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_referral_window_ends(self, case):
        letter = case_final_letter(case)
        if letter is None or letter.referral_window_ends is None:
            return None
        return serializers.DateTimeField().to_representation(
            letter.referral_window_ends
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


def case_detail_data(case: Case, *, as_filed: bool) -> dict:
    """`CaseDetailSerializer`'s output for `case` as its caller sees it, by a
    serializer built once per thread (`common.built`)."""
    return built(
        CaseDetailSerializer, context={"as_filed": as_filed}
    ).to_representation(case)
