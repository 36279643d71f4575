"""Admin for teams and staff profiles."""

from django.contrib import admin

from .models import StaffProfile, Team


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
