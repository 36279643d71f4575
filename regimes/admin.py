"""Admin of regulated handling: managers edit regimes (by adding versions) and
which categories and teams they cover; statutory clocks and letters are read-only.

A regime version in force or past is never edited in place (the model refuses):
"Save as new" with a later effective date makes the next version.
"""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect

from teams.selectors import is_manager

from .models import (
    PAST_VERSION,
    Letter,
    LetterApproval,
    Regime,
    RegimeRoute,
    StatutoryDeadline,
)


class ManagersOnly:
    """Managers (and superusers) manage regimes; nobody else sees them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Regime)
class RegimeAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["code", "name", "effective_from", "country", "time_zone"]
    list_filter = ["code"]
    save_as = True
    save_as_continue = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Refuse to save over a version in force; "Save as new" is allowed."""
        obj = self.get_object(request, object_id)
        editing = request.method == "POST" and "_saveasnew" not in request.POST
        if obj is not None and obj.in_force and editing:
            self.message_user(request, PAST_VERSION, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(RegimeRoute)
class RegimeRouteAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["category", "team", "regime"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)


class ReadOnly(ManagersOnly):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StatutoryDeadline)
class StatutoryDeadlineAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "kind", "due_at", "met_at", "warned_at", "breached_at"]
    list_filter = ["kind", "regime__code"]


@admin.register(Letter)
class LetterAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "kind", "outcome", "sent_at", "sent_by_label", "sha256"]
    list_filter = ["kind", "outcome"]
    exclude = ["pdf"]


@admin.register(LetterApproval)
class LetterApprovalAdmin(ReadOnly, admin.ModelAdmin):
    """Four eyes on letters: who asked, who decided (decided on the case page)."""

    list_display = ["case", "kind", "outcome", "status", "requested_by_label"]
    list_filter = ["status", "kind"]
