"""Admin: configuration (categories, root causes, offer limits, canned responses)
and read-only cases.

Cases change only through the lifecycle, so the admin shows them read-only
with their timeline.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from .bounds import bound_form_fields
from .canned import (
    PLACEHOLDERS,
    canned_managed_by,
    canned_may_manage,
    unknown_placeholders,
)
from .models import (
    CannedResponse,
    Case,
    Category,
    Event,
    Message,
    Offer,
    OfferLimit,
    RootCause,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_team", "active"]
    list_filter = ["active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active"]
    list_filter = ["active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(OfferLimit)
class OfferLimitAdmin(admin.ModelAdmin):
    list_display = ["kind", "currency", "max_amount"]
    list_filter = ["kind", "currency"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["created_at", "actor_label", "kind", "before", "after", "data"]
    readonly_fields = fields
    ordering = ["id"]


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "author_label", "visibility", "kind", "body"]
    readonly_fields = fields


class OfferInline(ReadOnlyInline):
    model = Offer
    fields = ["kind", "amount", "currency", "status", "extra_mile", "created_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "subject",
        "customer",
        "stage",
        "priority",
        "team",
        "assignee",
        "escalation_level",
        "created_at",
    ]
    list_filter = [
        "stage",
        "priority",
        "team",
        "category",
        "escalation_level",
        "channel",
    ]
    search_fields = ["reference", "subject", "customer__name", "customer__email"]
    list_select_related = ["customer", "team", "assignee"]
    date_hierarchy = "created_at"
    inlines = [MessageInline, OfferInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "actor_label", "kind"]
    list_filter = ["kind"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CannedResponseForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["title", "team", "body", "active"]
        help_texts = {
            "body": "Placeholders: "
            + ", ".join(f"{{{k}}} ({v})" for k, v in PLACEHOLDERS.items())
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bound_form_fields(self.fields)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        unknown = unknown_placeholders(body)
        if unknown:
            raise forms.ValidationError(
                gettext("Unknown placeholders: %(names)s")
                % {"names": ", ".join(f"{{{u}}}" for u in unknown)}
            )
        return body


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    """Managers keep every team's responses; a team lead with admin access, theirs."""

    form = CannedResponseForm
    list_display = ["title", "team", "active", "updated_at"]
    list_filter = ["active", "team"]
    search_fields = ["title", "body"]

    def get_queryset(self, request):
        return canned_managed_by(request.user).select_related("team")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "team" and not canned_may_manage(request.user, None):
            field.queryset = field.queryset.filter(members__user=request.user)
            field.required = True
        return field

    def save_model(self, request, obj, form, change) -> None:
        if not canned_may_manage(request.user, obj.team_id):
            raise PermissionDenied(
                gettext("You may keep responses for your own teams only.")
            )
        super().save_model(request, obj, form, change)
