"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('service_recovery', '0003_incident_close_category'),
    ]

    operations = [
        field_index_dropped(
            'service_recovery', 'incidentcase', 'incident',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='case_links', to='service_recovery.incident'),
        ),
        field_index_dropped(
            'service_recovery', 'incidentcustomer', 'incident',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='customer_links', to='service_recovery.incident'),
        ),
        field_index_dropped(
            'service_recovery', 'incidentnotice', 'incident',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='service_recovery.incident'),
        ),
        field_index_dropped(
            'service_recovery', 'problemcase', 'problem',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='links', to='service_recovery.problem'),
        ),
    ]
