"""Admin (read-only) for follow-ups."""

from django.contrib import admin

from .models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["case", "owner", "channel", "due_at", "status", "outcome", "csat"]
    list_filter = ["status", "channel", "outcome"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "owner"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
