"""Admin: configuration (categories, root causes, offer limits) and read-only cases.

Cases change only through the lifecycle, so the admin shows them read-only
with their timeline.
"""

from django.contrib import admin

from .models import Case, Category, Event, Message, Offer, OfferLimit, RootCause


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
