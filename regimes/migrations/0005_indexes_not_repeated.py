"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('complaints', '0014_indexes_not_repeated'),
        ('regimes', '0004_letters_immutable'),
    ]

    operations = [
        field_index_dropped(
            'regimes', 'letter', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='complaints.case'),
        ),
        field_index_dropped(
            'regimes', 'regime', 'code',
            models.SlugField(db_index=False, max_length=20),
        ),
        field_index_dropped(
            'regimes', 'statutorydeadline', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='statutory_deadlines', to='complaints.case'),
        ),
    ]
