"""Indexes for the rollup refresh and the live figures (PostgreSQL only).

A refresh recomputes whole local days: for each it finds the cases filed,
the deadlines met, the offers made and the follow-ups completed or due on
that day by a range scan on these timestamps. Cases filed carry what the
repeat-complainant count needs, and open cases carry what the "now" figures
(stages, stalls, workload, escalations, customers at risk) read, so those are
index-only scans over the backlog rather than visits to every case row.
"""

from django.db import migrations

INDEXES = {
    "dash_case_created": (
        "complaints_case (created_at) "
        "INCLUDE (id, customer_id, team_id, category_id, priority, channel)"
    ),
    "dash_case_open": (
        "complaints_case (stage) INCLUDE (id, team_id, category_id, priority, channel, "
        "assignee_id, escalation_level, reopen_count, customer_id, created_at, "
        "updated_at) WHERE stage IN ("
        "'new', 'listening', 'acknowledged', 'resolving', 'resolved', 'following_up')"
    ),
    "dash_deadline_met": "sla_deadline (met_at) WHERE met_at IS NOT NULL",
    "dash_offer_created": "complaints_offer (created_at)",
    "dash_followup_completed": (
        "followups_followup (completed_at) WHERE completed_at IS NOT NULL"
    ),
    "dash_followup_due": "followups_followup (due_at)",
    "dash_followup_scheduled": (
        "followups_followup (due_at) INCLUDE (case_id) WHERE status = 'scheduled'"
    ),
    "dash_followup_unhappy": (
        "followups_followup (completed_at) INCLUDE (case_id) "
        "WHERE outcome = 'unsatisfied'"
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {target}", params=None
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0004_rollups"),
        ("complaints", "0004_case_api_client"),
        ("sla", "0001_initial"),
        ("followups", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
