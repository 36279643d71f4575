"""Random walks through the lifecycle keep the case's bookkeeping true.

Hypothesis throws sequences of moves (forward, skips, reopens, closes, offers,
follow-ups) at a fresh case; after every step the case must agree with its own
timeline, and a refused step must leave no trace.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints import lifecycle
from complaints.exceptions import DomainError
from complaints.models import STAGE_ORDER, Case
from complaints.services import case_assign
from followups.services import followup_complete, followup_schedule

pytestmark = pytest.mark.django_db

FULL = {
    "customer_account": "It broke on day one.",
    "restatement": "So it broke straight away.",
    "apology": "We are sorry; will you forgive us?",
    "desired_outcome": "A new one.",
    "resolution_summary": "Replaced.",
}
MOVES = [
    ("to", stage, extra)
    for stage in STAGE_ORDER[1:-1]
    for extra in ({}, {"skip_reason": "agreed on the phone"})
] + [
    ("to", "listening", {"reason": "still unhappy"}),
    ("to", "closed", {"close_reason": "satisfied"}),
    ("to", "closed", {"close_reason": "satisfied", "skip_reason": "done"}),
    ("to", "closed", {"close_reason": "no_follow_up"}),
    ("to", "closed", {"close_reason": "withdrawn"}),
    ("offer", "apology_only", {}),
    ("offer", "replacement", {}),
    ("followup", "schedule", {}),
    ("followup", "satisfied", {}),
    ("followup", "unsatisfied", {}),
]


def apply(case: Case, move: tuple, by) -> None:
    action, what, extra = move
    if action == "to":
        lifecycle.transition(case, what, by=by, **dict(FULL, **extra))
    elif action == "offer":
        offer = lifecycle.offer_make(case=case, kind=what, by=by)
        lifecycle.offer_accept(offer=offer, by=by)
        if what != "apology_only":
            lifecycle.offer_fulfil(offer=offer, by=by)
    elif what == "schedule":
        due = timezone.now() + timedelta(days=1)
        followup_schedule(case=case, due_at=due, channel="phone", by=by)
    else:
        followup = case.followups.filter(status="scheduled").first()
        if followup is None:
            raise DomainError("nothing scheduled")
        followup_complete(followup=followup, outcome=what, by=by)


def check(case: Case) -> None:
    changes = list(case.events.filter(kind="stage_changed"))
    after = changes[-1].after if changes else "new"
    assert case.stage == after
    assert all(a.after == b.before for a, b in zip(changes, changes[1:], strict=False))
    skipped = sum(len(e.data.get("skipped", [])) for e in changes)
    assert case.skipped_steps == skipped
    reopens = sum(e.data.get("move") == "reopen" for e in changes)
    assert case.reopen_count == reopens
    closed = case.stage == "closed"
    assert (case.closed_at is not None) is closed
    assert bool(case.close_reason) is closed
    if case.stage in ("resolved", "following_up"):
        assert case.resolved_at is not None
    # Reminders must only come for cases that are actually being followed up.
    if case.followups.filter(status="scheduled").exists():
        assert case.stage == "following_up"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=st.lists(st.sampled_from(MOVES), min_size=1, max_size=12))
def test_random_walks_keep_the_case_and_its_timeline_in_step(make_case, agent, moves):
    case = case_assign(case=make_case("new"), assignee=agent, by=agent)
    for move in moves:
        before = Case.objects.get(pk=case.pk)
        events = before.events.count()
        try:
            apply(before, move, agent)
        except DomainError:
            after = Case.objects.get(pk=case.pk)
            assert (after.stage, after.version) == (before.stage, before.version)
            assert after.events.count() == events
        else:
            after = Case.objects.get(pk=case.pk)
            assert after.version > before.version
        check(after)
