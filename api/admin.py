"""Admin for API clients: issue, revoke and list keys through the key services.

Issuing and revoking go through `api.services` (audited with the acting
manager), like `create_api_client` and the demo; the key is shown once.
"""

from django import forms
from django.contrib import admin, messages
from rest_framework_api_key.admin import APIKeyModelAdmin

from .models import ApiClient, Scope
from .services import api_client_create, api_client_revoke


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "user", "scopes", "expiry_date", "revoked"]

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data.get("scopes") or []
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise forms.ValidationError("A list of scope names.")
        unknown = sorted(set(scopes) - set(Scope.values))
        if unknown:
            raise forms.ValidationError(
                f"Unknown: {', '.join(unknown)}; use {', '.join(Scope.values)}."
            )
        return scopes


@admin.register(ApiClient)
class ApiClientAdmin(APIKeyModelAdmin):
    form = ApiClientForm
    list_display = [*APIKeyModelAdmin.list_display, "user", "scopes", "last_used_at"]
    search_fields = ["name", "prefix", "user__username"]

    def save_model(self, request, obj, form, change) -> None:
        """Issue a new key, or revoke one, through the services (never by hand)."""
        if not change:
            client, key = api_client_create(
                name=obj.name,
                username=obj.user.get_username() if obj.user else None,
                scopes=obj.scopes or None,
                by=request.user,
            )
            if obj.expiry_date:
                client.expiry_date = obj.expiry_date
                client.save(update_fields=["expiry_date"])
            for field in obj._meta.concrete_fields:
                setattr(obj, field.attname, getattr(client, field.attname))
            obj._state.adding = False
            messages.warning(
                request,
                f"The API key for {client.name} is: {key}. Store it now: "
                "it is not shown again.",
            )
            return
        revoking = "revoked" in form.changed_data and obj.revoked
        obj.revoked = ApiClient.objects.get(pk=obj.pk).revoked
        obj.save()
        if revoking:
            api_client_revoke(client=obj, by=request.user)
