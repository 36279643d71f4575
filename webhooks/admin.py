"""Admin: webhook subscriptions (resume a paused one) and deliveries (send again).

Secrets never appear here: they are shown to the client once, at creation or
rotation. Resuming and sending again are for managers.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from teams.selectors import is_manager

from .models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from .services import deliveries_send_again, subscription_resume


class ManagerActions:
    def has_manage_permission(self, request) -> bool:
        return is_manager(request.user)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ManagerActions, admin.ModelAdmin):
    list_display = ["id", "client", "url", "status", "failing_since", "created_at"]
    list_filter = ["status"]
    search_fields = ["url", "client__name"]
    list_select_related = ["client"]
    fields = [
        "client",
        "url",
        "events",
        "status",
        "failing_since",
        "paused_at",
        "previous_secret_expires_at",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["resume"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description=gettext_lazy("Resume the selected paused webhooks"),
        permissions=["manage"],
    )
    def resume(self, request, queryset) -> None:
        waiting = 0
        for subscription in queryset.filter(status=SubscriptionStatus.PAUSED):
            waiting += subscription_resume(subscription=subscription, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Resumed; %(count)d waiting delivery goes out with the next beat.",
                "Resumed; %(count)d waiting deliveries go out with the next beat.",
                waiting,
            )
            % {"count": waiting},
            messages.SUCCESS,
        )


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["number", "created_at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ManagerActions, admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_id",
        "event_type",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "subscription__url"]
    list_select_related = ["subscription"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [AttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description=gettext_lazy("Send the selected failed deliveries again"),
        permissions=["manage"],
    )
    def send_again(self, request, queryset) -> None:
        ids = queryset.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True)
        count = deliveries_send_again(ids=ids, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed delivery queued again; delivered ones are never "
                "sent twice.",
                "%(count)d failed deliveries queued again; delivered ones are never "
                "sent twice.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
