"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('api', '0004_case_filing_echo'),
        ('webhooks', '0001_webhook_subscriptions_and_outbox'),
    ]

    operations = [
        field_index_dropped(
            'webhooks', 'webhookattempt', 'delivery',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='attempt_log', to='webhooks.webhookdelivery'),
        ),
        field_index_dropped(
            'webhooks', 'webhookdelivery', 'subscription',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='webhooks.webhooksubscription'),
        ),
        field_index_dropped(
            'webhooks', 'webhooksubscription', 'client',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='webhook_subscriptions', to='api.apiclient'),
        ),
    ]
