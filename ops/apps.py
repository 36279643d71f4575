"""The operations room sits with the interfaces: it reads the domain, never the reverse."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import metrics, requestid

        requestid.connect_celery_signals()
        metrics.register()
