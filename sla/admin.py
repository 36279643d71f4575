"""Admin for calendars, working hours, holidays and SLA policies."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from .models import Calendar, Deadline, Holiday, SlaPolicy, WorkingHours
from .services import calendar_seed_holidays


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "country", "subdivision"]
    inlines = [WorkingHoursInline, HolidayInline]
    actions = ["seed_holidays"]

    @admin.action(
        description=gettext_lazy("Add public holidays for this year and next")
    )
    def seed_holidays(self, request, queryset) -> None:
        year = timezone.now().year
        for calendar in queryset:
            try:
                added = calendar_seed_holidays(
                    calendar=calendar, years=[year, year + 1]
                )
            except ValueError as exc:
                self.message_user(request, f"{calendar.name}: {exc}", messages.ERROR)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(calendar)s: %(count)d holiday added.",
                    "%(calendar)s: %(count)d holidays added.",
                    added,
                )
                % {"calendar": calendar.name, "count": added},
                messages.SUCCESS,
            )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "priority",
        "category",
        "calendar",
        "first_response_minutes",
        "resolution_minutes",
        "warn_at_percent",
        "active",
    ]
    list_filter = ["priority", "active", "calendar"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = [
        "case",
        "kind",
        "due_at",
        "met_at",
        "warned_at",
        "breached_at",
        "next_check_at",
    ]
    list_filter = ["kind"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
