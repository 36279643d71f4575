"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('complaints', '0014_indexes_not_repeated'),
        ('sla', '0003_deadline_running_due'),
    ]

    operations = [
        field_index_dropped(
            'sla', 'deadline', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='deadlines', to='complaints.case'),
        ),
        field_index_dropped(
            'sla', 'holiday', 'calendar',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='holidays', to='sla.calendar'),
        ),
    ]
