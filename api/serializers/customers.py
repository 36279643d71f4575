"""Customer shapes: the list row, the detail with its history summary, edits."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import (
    Customer,
    LetterCopy,
    RepresentativeKind,
    VulnerabilityDriver,
)
from customers.selectors import representative_of, vulnerability_of


class ExternalRefSerializer(serializers.Serializer):
    client = serializers.CharField(
        allow_null=True,
        help_text="The API client that sent it; null for a ref entered by staff.",
    )
    external_ref = serializers.CharField()


class CustomerSerializer(serializers.ModelSerializer):
    """A customer as staff see them (service clients never read this shape).

    Expects the customer's `refs` prefetched with their clients and, in the
    context, `client`: the API client of the request (None for a session).
    """

    external_ref = serializers.SerializerMethodField(
        help_text="Your own id for the customer: the one your key (or, in the "
        "browser, staff) sent; null if none."
    )
    external_refs = serializers.SerializerMethodField(
        help_text="Every filing system's id for the customer."
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "external_ref",
            "external_refs",
            "consent_to_contact",
            "relationship_status",
            "created_at",
        ]
        read_only_fields = fields

    def get_external_ref(self, customer) -> str | None:
        client = self.context.get("client")
        client_id = client.pk if client is not None else None
        mine = [r for r in customer.refs.all() if r.client_id == client_id]
        return mine[0].external_ref if mine else None

    @extend_schema_field(ExternalRefSerializer(many=True))
    def get_external_refs(self, customer):
        return [
            {
                "client": ref.client.name if ref.client else None,
                "external_ref": ref.external_ref,
            }
            for ref in customer.refs.all()
        ]


class VulnerabilitySerializer(serializers.Serializer):
    """What was recorded of a customer's vulnerability (staff only, FG21/1)."""

    vulnerable = serializers.BooleanField(source="is_vulnerable")
    drivers = serializers.ListField(
        child=serializers.ChoiceField(choices=VulnerabilityDriver.choices)
    )
    adjustments = serializers.CharField(allow_blank=True)
    consent_from = serializers.CharField(
        allow_blank=True, help_text="Who consented to recording it."
    )
    consent_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class RepresentativeSerializer(serializers.Serializer):
    """Who acts for the customer, with their authority (staff only)."""

    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=RepresentativeKind.choices)
    email = serializers.EmailField(allow_blank=True)
    authority = serializers.CharField()
    authority_recorded_at = serializers.DateTimeField()
    receives_letters = serializers.ChoiceField(choices=LetterCopy.choices)


def vulnerability_data(customer) -> dict | None:
    record = vulnerability_of(customer)
    return VulnerabilitySerializer(record).data if record else None


def representative_data(customer) -> dict | None:
    record = representative_of(customer)
    return RepresentativeSerializer(record).data if record else None


class HistorySerializer(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Cases filed, ever.")
    open = serializers.IntegerField(help_text="Cases not closed yet.")
    satisfied = serializers.IntegerField(help_text="Cases closed satisfied.")
    unresolved = serializers.IntegerField(
        help_text="Cases closed with the customer still unsatisfied."
    )
    last_case_at = serializers.DateTimeField(allow_null=True)
    last_handled_by = serializers.CharField(
        allow_null=True, help_text="Username of the assignee of their latest case."
    )
    consent_to_contact = serializers.BooleanField()


class CustomerDetailSerializer(CustomerSerializer):
    history = serializers.SerializerMethodField()
    vulnerability = serializers.SerializerMethodField()
    representative = serializers.SerializerMethodField()

    class Meta(CustomerSerializer.Meta):
        fields = [
            *CustomerSerializer.Meta.fields,
            "history",
            "vulnerability",
            "representative",
        ]
        read_only_fields = fields

    @extend_schema_field(VulnerabilitySerializer(allow_null=True))
    def get_vulnerability(self, customer):
        return vulnerability_data(customer)

    @extend_schema_field(RepresentativeSerializer(allow_null=True))
    def get_representative(self, customer):
        return representative_data(customer)

    @extend_schema_field(HistorySerializer)
    def get_history(self, customer):
        return HistorySerializer(
            {
                "cases": customer.cases_total,
                "open": customer.cases_open,
                "satisfied": customer.cases_satisfied,
                "unresolved": customer.cases_unresolved,
                "last_case_at": customer.last_case_at,
                "last_handled_by": self.context.get("last_handled_by"),
                "consent_to_contact": customer.consent_to_contact,
            }
        ).data


class CustomerCreateIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=40, required=False)
    external_ref = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        default=None,
        help_text="Your id for the customer (per API key); matched before the email.",
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The language to write to the customer in (for a new customer, "
        "or one without one yet); the site's default when left out.",
    )
    consent_to_contact = serializers.BooleanField(required=False)


class CustomerPatchIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    consent_to_contact = serializers.BooleanField(required=False)
