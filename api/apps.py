"""The api app: registers the OpenAPI extensions."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from config.memo import memo_forget

        from . import schema  # noqa: F401 - registers the Token auth scheme
        from .models import ApiClient

        # Verified keys are memoised (api.authentication): a revoked, rotated
        # or deleted key, or a deactivated user, must stop working everywhere.
        for model in (ApiClient, get_user_model()):
            post_save.connect(memo_forget, sender=model, dispatch_uid=f"memo-{model}")
            post_delete.connect(
                memo_forget, sender=model, dispatch_uid=f"memo-del-{model}"
            )
