"""Narrower facts: the table rebuilt with four-byte keys, two-byte codes for
the priority, channel and stage, and its columns widest first (no padding).

On PostgreSQL the rows are copied over in order of activity (each code its
place in the field's `codes`), and the indexes built after the copy;
elsewhere (SQLite) the next refresh rebuilds the facts and the rollup.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import dashboards.models

PRIORITY = ("low", "normal", "high", "urgent")
CHANNEL = ("web", "email", "phone", "chat", "social", "in_person", "api")
STAGE = (
    *("new", "listening", "acknowledged", "resolving", "resolved"),
    *("following_up", "closed"),
)
COLUMNS = (
    "filed_at",
    "active_until",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "fr_on_time_at",
    "fr_missed_at",
    "res_on_time_at",
    "res_missed_at",
    "escalated_1_at",
    "escalated_2_at",
    "first_apology_at",
    "first_offer_at",
    "csat_after_at",
    "unhappy_at",
    "case",
    "team",
    "category",
    "root_cause",
    "assignee",
    "customer",
    "first_response_seconds",
    "resolution_seconds",
    "first_apology_seconds",
    "customer_cases",
    "priority",
    "channel",
    "stage",
    "reopen_count",
    "skipped_steps",
    "csat_before",
    "csat_after",
    "first_offer_accepted",
    "refiled_90d",
    "customer_closed_last",
    "customer_again_last",
    "customer_penultimate",
)
CODES = {"priority": PRIORITY, "channel": CHANNEL, "stage": STAGE}
KEYS = ("case", "team", "category", "root_cause", "assignee", "customer")


def _column(name: str) -> str:
    if name in CODES:
        values = ", ".join(f"'{value}'" for value in CODES[name])
        return f"(array_position(ARRAY[{values}], {name}::text) - 1)::smallint {name}"
    if name in KEYS:
        return f"{name}_id::integer {name}_id"
    return name


def copy_out(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE TABLE dashboards_casefacts_copy AS SELECT "
            + ", ".join(_column(name) for name in COLUMNS)
            + " FROM dashboards_casefacts"
        )


def copy_in(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # In order of activity, so a period's facts sit in few pages; the key
        # built after the copy, sorted, so its pages are full.
        for statement in (
            "ALTER TABLE dashboards_casefacts DROP CONSTRAINT dashboards_casefacts_pkey",
            "INSERT INTO dashboards_casefacts"
            " SELECT * FROM dashboards_casefacts_copy ORDER BY active_until, case_id",
            "ALTER TABLE dashboards_casefacts"
            " ADD CONSTRAINT dashboards_casefacts_pkey PRIMARY KEY (case_id)",
            "DROP TABLE dashboards_casefacts_copy",
            "ANALYZE dashboards_casefacts",
        ):
            schema_editor.execute(statement)
    else:
        marks = apps.get_model("dashboards", "RefreshMark").objects
        marks.filter(name__in=["facts", "months"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_customer_phone_digits_trgm"),
        ("customers", "0004_merge_20261201_0537"),
        ("dashboards", "0019_refresh_pending"),
        ("teams", "0002_staffprofile_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_out, migrations.RunPython.noop),
        migrations.DeleteModel(name="CaseFacts"),
        migrations.CreateModel(
            name="CaseFacts",
            fields=[
                ("filed_at", models.DateTimeField()),
                ("active_until", models.DateTimeField()),
                ("first_response_at", models.DateTimeField(blank=True, null=True)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("fr_on_time_at", models.DateTimeField(blank=True, null=True)),
                ("fr_missed_at", models.DateTimeField(blank=True, null=True)),
                ("res_on_time_at", models.DateTimeField(blank=True, null=True)),
                ("res_missed_at", models.DateTimeField(blank=True, null=True)),
                ("escalated_1_at", models.DateTimeField(blank=True, null=True)),
                ("escalated_2_at", models.DateTimeField(blank=True, null=True)),
                ("first_apology_at", models.DateTimeField(blank=True, null=True)),
                ("first_offer_at", models.DateTimeField(blank=True, null=True)),
                ("csat_after_at", models.DateTimeField(blank=True, null=True)),
                ("unhappy_at", models.DateTimeField(blank=True, null=True)),
                (
                    "case",
                    dashboards.models.NarrowCase(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="facts",
                        serialize=False,
                        to="complaints.case",
                    ),
                ),
                (
                    "team",
                    dashboards.models.NarrowKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="teams.team",
                    ),
                ),
                (
                    "category",
                    dashboards.models.NarrowKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="complaints.category",
                    ),
                ),
                (
                    "root_cause",
                    dashboards.models.NarrowKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="complaints.rootcause",
                    ),
                ),
                (
                    "assignee",
                    dashboards.models.NarrowKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    dashboards.models.NarrowKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                ("first_response_seconds", models.IntegerField(blank=True, null=True)),
                ("resolution_seconds", models.IntegerField(blank=True, null=True)),
                ("first_apology_seconds", models.IntegerField(blank=True, null=True)),
                ("customer_cases", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "priority",
                    dashboards.models.Code(codes=("low", "normal", "high", "urgent")),
                ),
                (
                    "channel",
                    dashboards.models.Code(
                        codes=(
                            "web",
                            "email",
                            "phone",
                            "chat",
                            "social",
                            "in_person",
                            "api",
                        )
                    ),
                ),
                (
                    "stage",
                    dashboards.models.Code(
                        codes=(
                            "new",
                            "listening",
                            "acknowledged",
                            "resolving",
                            "resolved",
                            "following_up",
                            "closed",
                        )
                    ),
                ),
                ("reopen_count", models.PositiveSmallIntegerField(default=0)),
                ("skipped_steps", models.PositiveSmallIntegerField(default=0)),
                (
                    "csat_before",
                    models.PositiveSmallIntegerField(blank=True, null=True),
                ),
                ("csat_after", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("first_offer_accepted", models.BooleanField(blank=True, null=True)),
                ("refiled_90d", models.BooleanField(default=False)),
                ("customer_closed_last", models.BooleanField(default=False)),
                ("customer_again_last", models.BooleanField(default=False)),
                ("customer_penultimate", models.BooleanField(default=False)),
            ],
            options={
                "verbose_name_plural": "case facts",
            },
        ),
        migrations.RunPython(copy_in, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="rollup",
            name="team",
            field=dashboards.models.NarrowKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="teams.team",
            ),
        ),
        migrations.AddIndex(
            model_name="casefacts",
            index=models.Index(fields=["active_until"], name="casefacts_active"),
        ),
        migrations.AddIndex(
            model_name="casefacts",
            index=models.Index(
                condition=models.Q(("customer_cases__gte", 2)),
                fields=["-customer_cases", "customer"],
                name="casefacts_repeat",
            ),
        ),
        migrations.AddIndex(
            model_name="casefacts",
            index=models.Index(
                condition=models.Q(("unhappy_at__isnull", False)),
                fields=["unhappy_at"],
                include=("customer", "team"),
                name="casefacts_unhappy",
            ),
        ),
        migrations.AddIndex(
            model_name="casefacts",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["team"],
                name="casefacts_open_team",
            ),
        ),
    ]
