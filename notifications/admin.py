"""Admin: staff notifications and the outbox, with its dead letters and a retry action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from .models import Notification, Outbox, OutboxStatus
from .services import outbox_retry_dead


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username", "case__reference"]
    list_select_related = ["recipient", "case"]
    raw_id_fields = ["recipient", "case"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key", "case__reference"]
    readonly_fields = [f.name for f in Outbox._meta.fields]
    actions = ["retry_dead"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Retry the selected dead letters"))
    def retry_dead(self, request, queryset) -> None:
        ids = list(
            queryset.filter(status=OutboxStatus.DEAD).values_list("pk", flat=True)
        )
        count = outbox_retry_dead(ids=ids)
        self.message_user(
            request,
            ngettext(
                "%(count)d email queued again; the next due pass sends it.",
                "%(count)d emails queued again; the next due pass sends them.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
