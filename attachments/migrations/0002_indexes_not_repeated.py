"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('attachments', '0001_attachment'),
        ('complaints', '0014_indexes_not_repeated'),
    ]

    operations = [
        field_index_dropped(
            'attachments', 'attachment', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='complaints.case'),
        ),
    ]
