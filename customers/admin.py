"""Admin for customers and the ids filing systems know them by."""

from django.contrib import admin

from .models import Customer, CustomerRef
from .services import customer_edit

EDITABLE = ("name", "phone", "consent_to_contact")


class CustomerRefInline(admin.TabularInline):
    model = CustomerRef
    extra = 0
    fields = ["client", "external_ref", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["client"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "consent_to_contact",
        "relationship_status",
        "created_at",
    ]
    list_filter = ["consent_to_contact", "relationship_status"]
    search_fields = ["name", "email", "refs__external_ref", "phone"]
    inlines = [CustomerRefInline]
    # The email changes on the customer page or the API, which end the links
    # sent to the old address (complaints.links); the admin cannot.
    # Ending a relationship spans the customer's cases (complaints.relationships).
    readonly_fields = [
        "email",
        "consent_updated_at",
        "relationship_status",
        "relationship_ended_reason",
        "relationship_ended_at",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        # Customers come from filings, or a manager through the API.
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Edit through `customer_edit`, so the admin is audited like every path."""
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE}
        if changes:
            fresh = Customer.objects.get(pk=obj.pk)
            customer_edit(customer=fresh, by=request.user, **changes)
