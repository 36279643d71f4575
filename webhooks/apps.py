from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from complaints.events import subscribe

        from .fanout import KINDS, deliveries_fan_out

        for kind in KINDS:
            subscribe(kind, deliveries_fan_out)

        from django.db.models.signals import post_delete, post_save

        from config.memo import memo_forget

        from .models import WebhookSubscription

        # The fan-out keeps the subscriptions per process (webhooks.fanout).
        post_save.connect(memo_forget, sender=WebhookSubscription)
        post_delete.connect(memo_forget, sender=WebhookSubscription)
