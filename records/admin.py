"""Admin of retention and data rights: managers edit the retention rules; holds,
anonymisations and exports are read-only here (holds are placed and lifted on
the customer page or the API, so each is written on the timeline)."""

from django.contrib import admin
from django.http import HttpRequest

from teams.selectors import is_manager

from .models import (
    AnonymisedCase,
    AnonymisedCustomer,
    LegalHold,
    RetentionRule,
    SubjectAccessExport,
)


class ManagersOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_manager(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["regime", "category_slug", "years", "days", "effective_from"]
    list_filter = ["regime"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_manager(request.user)


@admin.register(LegalHold)
class LegalHoldAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["__str__", "placed_at", "placed_by_label", "lifted_at"]
    list_filter = ["lifted_at"]


@admin.register(AnonymisedCase)
class AnonymisedCaseAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["case", "at", "by_label", "retention_ended"]


@admin.register(AnonymisedCustomer)
class AnonymisedCustomerAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["customer", "at", "by_label"]


@admin.register(SubjectAccessExport)
class SubjectAccessExportAdmin(ManagersOnly, admin.ModelAdmin):
    list_display = ["customer", "by_label", "format", "via", "at"]
