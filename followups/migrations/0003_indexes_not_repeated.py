"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('complaints', '0014_indexes_not_repeated'),
        ('followups', '0002_clamp_far_dates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        field_index_dropped(
            'followups', 'followup', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='followups', to='complaints.case'),
        ),
        field_index_dropped(
            'followups', 'followup', 'owner',
            models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='followups', to=settings.AUTH_USER_MODEL),
        ),
    ]
