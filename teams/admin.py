"""Admin for teams and staff profiles, and unlocking sign-ins (managers)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy

from .lockouts import lockout_reset
from .models import StaffProfile, Team
from .selectors import is_manager


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "calendar"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role", "teams"]
    filter_horizontal = ["teams"]
    search_fields = ["user__username", "user__email"]


class SignInAttemptAdmin(AccessAttemptAdmin):
    """Axes' failed sign-ins, readable by managers, who may unlock a username."""

    actions = [*AccessAttemptAdmin.actions, "unlock_usernames"]

    def has_module_permission(self, request) -> bool:
        return is_manager(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_manager(request.user) or super().has_view_permission(request, obj)

    @admin.action(
        description=gettext_lazy("Unlock the selected usernames (at every address)")
    )
    def unlock_usernames(self, request, queryset) -> None:
        usernames = sorted(
            {name for name in queryset.values_list("username", flat=True) if name}
        )
        if not is_manager(request.user):
            self.message_user(
                request, gettext("Only a manager may unlock a sign-in."), messages.ERROR
            )
            return
        for username in usernames:
            lockout_reset(username=username, by=request.user)
        self.message_user(
            request,
            gettext("Unlocked: %(names)s.") % {"names": ", ".join(usernames)}
            if usernames
            else gettext("Nothing to unlock."),
            messages.SUCCESS,
        )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
