"""Indexes that repeated the first column of another index of their table, dropped."""

from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('records', '0003_timeline_redaction'),
    ]

    operations = [
        field_index_dropped(
            'records', 'retentionrule', 'regime',
            models.SlugField(db_index=False, max_length=20),
        ),
    ]
