"""The tables the bulk loader fills with COPY: their columns, and customers."""

import random
from datetime import datetime

STAGES = (
    "new",
    "listening",
    "acknowledged",
    "resolving",
    "resolved",
    "following_up",
    "closed",
)
PRIORITIES = (("low", 20), ("normal", 55), ("high", 20), ("urgent", 5))
CHANNELS = (
    ("web", 40),
    ("email", 30),
    ("phone", 15),
    ("chat", 10),
    ("social", 3),
    ("api", 2),
)
KINDS = (
    ("refund", 25),
    ("partial_refund", 20),
    ("replacement", 15),
    ("redo", 8),
    ("credit", 12),
    ("goodwill_gesture", 8),
    ("apology_only", 10),
    ("other", 2),
)
MONETARY = {"refund", "partial_refund", "credit"}
CLOSES = (
    ("satisfied", 70),
    ("no_follow_up", 12),
    ("unsatisfied", 5),
    ("withdrawn", 13),
)


class Tables:
    """The columns COPY fills, per table, and the customer rows."""

    columns = {
        "customers_customer": [
            "id",
            "name",
            "email",
            "phone",
            "consent_to_contact",
            "relationship_status",
            "relationship_ended_reason",
            "created_at",
            "updated_at",
        ],
        "complaints_case": [
            "id",
            "reference",
            "subject",
            "description",
            "channel",
            "priority",
            "stage",
            "customer_account",
            "restatement",
            "desired_outcome",
            "desired_outcome_declined",
            "resolution_summary",
            "escalation_level",
            "close_reason",
            "awaiting_customer",
            "awaiting_customer_since",
            "follow_up_refused",
            "skipped_steps",
            "reopen_count",
            "metadata",
            "version",
            "created_at",
            "updated_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "assignee_id",
            "customer_id",
            "sla_policy_id",
            "team_id",
            "category_id",
            "root_cause_id",
        ],
        "sla_deadline": [
            "case_id",
            "kind",
            "target_minutes",
            "started_at",
            "consumed",
            "due_at",
            "warn_at",
            "met_at",
            "paused_at",
            "breached_at",
            "cancelled_at",
            "next_check_at",
        ],
        "complaints_offer": [
            "case_id",
            "kind",
            "amount",
            "currency",
            "description",
            "extra_mile",
            "status",
            "needed_approval",
            "counter_request",
            "created_at",
            "updated_at",
            "decided_at",
            "fulfilled_at",
            "made_by_id",
        ],
        "followups_followup": [
            "case_id",
            "owner_id",
            "due_at",
            "channel",
            "note",
            "status",
            "outcome",
            "csat",
            "result_note",
            "completed_at",
            "next_check_at",
            "created_at",
        ],
        "complaints_event": [
            "case_id",
            "actor_id",
            "actor_label",
            "kind",
            "before",
            "after",
            "data",
            "created_at",
        ],
    }

    def customer(self, pk: int, now: datetime, rng: random.Random) -> list:
        stamp = now.isoformat()
        return [
            pk,
            f"Customer {pk}",
            f"customer{pk}@example.com",
            "",
            rng.random() < 0.8,
            "active",
            "",
            stamp,
            stamp,
        ]
