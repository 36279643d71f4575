"""Admin for customers."""

from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "external_ref",
        "consent_to_contact",
        "relationship_status",
        "created_at",
    ]
    list_filter = ["consent_to_contact", "relationship_status"]
    search_fields = ["name", "email", "external_ref", "phone"]
    readonly_fields = [
        "consent_updated_at",
        "relationship_ended_at",
        "created_at",
        "updated_at",
    ]
