"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('notifications', '0011_letter_approval_kinds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        field_index_dropped(
            'notifications', 'notification', 'recipient',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL),
        ),
    ]
