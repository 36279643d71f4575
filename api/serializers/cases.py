"""Case shapes: list rows and the detail (the inputs: `case_inputs`)."""

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from complaints.models import (
    Case,
    CloseReason,
)
from customers.selectors import vulnerability_of
from regimes.selectors import case_final_letter, case_redress_paid
from sla.models import Deadline

from .common import StaffField, built
from .customers import (
    RepresentativeSerializer,
    VulnerabilitySerializer,
    representative_data,
    vulnerability_data,
)
from .work import FollowUpSerializer, OfferSerializer


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


def case_detail_data(case: Case, *, as_filed: bool) -> dict:
    """`CaseDetailSerializer`'s output for `case` as its caller sees it, by a
    serializer built once per thread (`common.built`)."""
    return built(
        CaseDetailSerializer, context={"as_filed": as_filed}
    ).to_representation(case)
