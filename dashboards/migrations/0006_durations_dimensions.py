"""The case's dimensions stored with its durations, filled in from the cases,
and (on PostgreSQL) covering indexes so the percentiles of a period and a
team read one index and no case rows.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

INDEXES = {
    "dash_durations_first": (
        "dashboards_casedurations (first_response_at) INCLUDE "
        "(first_response_seconds, team_id, category_id, priority, channel)"
    ),
    "dash_durations_resolved": (
        "dashboards_casedurations (resolved_at) INCLUDE "
        "(resolution_seconds, team_id, category_id, priority, channel)"
    ),
}


def fill(apps, schema_editor):
    Case = apps.get_model("complaints", "Case")
    CaseDurations = apps.get_model("dashboards", "CaseDurations")
    case = Case.objects.filter(pk=OuterRef("case_id"))
    CaseDurations.objects.update(
        **{
            name: Subquery(case.values(name)[:1])
            for name in ("team_id", "category_id", "priority", "channel")
        }
    )
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)
            schema_editor.execute(f"CREATE INDEX {name} ON {target}", params=None)


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0005_rollup_source_indexes'),
        ('complaints', '0004_case_api_client'),
    ]

    operations = [
        migrations.AddField(
            model_name='casedurations',
            name='category_id',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='casedurations',
            name='channel',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='casedurations',
            name='priority',
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.AddField(
            model_name='casedurations',
            name='team_id',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.RunPython(fill, unfill),
    ]
