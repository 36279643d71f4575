"""Admin for API clients: list, revoke (keys are issued by create_api_client)."""

from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "user", "scopes", "last_used_at"]
    search_fields = ["name", "prefix", "user__username"]
