"""Admin for customers and the ids filing systems know them by."""

from django.contrib import admin

from .models import Customer, CustomerRef


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
    readonly_fields = [
        "email",
        "consent_updated_at",
        "relationship_ended_at",
        "created_at",
        "updated_at",
    ]
