"""Indexes that repeated the first column of another index of their table, dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from config.indexes import field_index_dropped


class Migration(migrations.Migration):
    # Each field's index is dropped concurrently (config.indexes).
    atomic = False

    dependencies = [
        ('complaints', '0013_case_open_awaiting'),
        ('customers', '0005_customer_email_ci_with_id'),
        ('teams', '0002_staffprofile_language'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        field_index_dropped(
            'complaints', 'case', 'assignee',
            models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_cases', to=settings.AUTH_USER_MODEL),
        ),
        field_index_dropped(
            'complaints', 'case', 'customer',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='customers.customer'),
        ),
        field_index_dropped(
            'complaints', 'case', 'team',
            models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='teams.team'),
        ),
        field_index_dropped(
            'complaints', 'event', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='complaints.case'),
        ),
        field_index_dropped(
            'complaints', 'message', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='complaints.case'),
        ),
        field_index_dropped(
            'complaints', 'offer', 'case',
            models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='complaints.case'),
        ),
    ]
