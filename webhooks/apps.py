from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from complaints.events import subscribe

        from .fanout import KINDS, deliveries_fan_out

        for kind in KINDS:
            subscribe(kind, deliveries_fan_out)
