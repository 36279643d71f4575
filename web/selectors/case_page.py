"""Everything the case page shows, loaded in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attachments.selectors import attachments_of_case
from attachments.services import max_bytes
from complaints.assignment import assignment_check, route_check
from complaints.canned import canned_for_case, canned_render
from complaints.exceptions import DomainError
from complaints.lifecycle import describe, rules
from complaints.models import (
    STAGE_ORDER,
    Case,
    Category,
    Offer,
    OfferStatus,
    Priority,
    Stage,
)
from complaints.selectors import assignable_users, cases_visible_to, staff_who_may_see
from followups.models import FollowUp
from followups.services import followup_proposals
from regimes.selectors import case_statutory_clocks
from service_recovery.duplicates import likely_duplicates
from service_recovery.selectors import (
    case_promises,
    incident_suggestions,
    promise_suggestions,
)
from sla.services import case_calendar_id, case_next_open
from teams.models import Role, Team
from teams.selectors import role_of

from ..deadlines import CalendarBook, deadline_label
from .regulated import regulated_panel

User = get_user_model()

# What each step of the method is for, as the stepper explains it.
PURPOSE: dict[str, str] = {
    Stage.NEW: _(
        "Someone has to own this complaint. Take it (or assign it) so the "
        "customer has one person looking after them."
    ),
    Stage.LISTENING: _(
        "Let the customer tell the whole story without interrupting or "
        "defending. Write their account down, then say it back in your own words so "
        "they know they were heard. If something is unclear, admit it and ask again."
    ),
    Stage.ACKNOWLEDGED: _(
        "Your apology has gone out. Now ask what would feel fair to "
        "them, and write down their answer (or that they would rather not say)."
    ),
    Stage.RESOLVING: _(
        "Put it right quickly and generously: refund, replace, redo, "
        "credit or a mix. Ask what else you can do. Do not try to sell them anything."
    ),
    Stage.RESOLVED: _(
        "The fix is done. With their permission, plan to check back after "
        "a day, a week and a month, or record that they would rather not hear from us."
    ),
    Stage.FOLLOWING_UP: _(
        "Check back as planned and make sure they are really "
        "satisfied. An unhappy answer reopens the case."
    ),
    Stage.CLOSED: _("Finished. Reopen it if the customer is still not happy."),
}

ESCALATION = {
    0: _("Not escalated"),
    1: _("Escalated to the team lead"),
    2: _("Escalated to a manager"),
}


@dataclass
class Step:
    stage: str
    label: str
    state: str  # done, current, todo


def next_stage(case: Case) -> str | None:
    """The stage the method moves the case to next (None when closed)."""
    if case.stage == Stage.CLOSED:
        return None
    return STAGE_ORDER[STAGE_ORDER.index(case.stage) + 1]


def missing_to_advance(case: Case) -> list[str]:
    """Human wording of what the case still needs for its next forward step."""
    to = next_stage(case)
    if to is None:
        return []
    move = rules.classify(case.stage, to, {})
    return describe(rules.prerequisites(case, to, {}, move))


def stepper(case: Case) -> list[Step]:
    current = STAGE_ORDER.index(case.stage)
    return [
        Step(
            stage,
            Stage(stage).label,
            "done" if i < current else "current" if i == current else "todo",
        )
        for i, stage in enumerate(STAGE_ORDER)
    ]


def cost_totals(offers: list[Offer]) -> dict[str, dict[str, Decimal]]:
    """Money per currency: fulfilled (spent) and accepted (promised)."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"spent": Decimal(0), "promised": Decimal(0)}
    )
    for offer in offers:
        if offer.amount is None:
            continue
        if offer.status == OfferStatus.FULFILLED:
            totals[offer.currency]["spent"] += offer.amount
        elif offer.status == OfferStatus.ACCEPTED:
            totals[offer.currency]["promised"] += offer.amount
    return dict(sorted(totals.items()))


def allowed(check: Callable[[], Any]) -> bool:
    """Whether a rule's check passes (to offer only the buttons that would work)."""
    try:
        check()
    except DomainError:
        return False
    return True


def case_facts(*, case: Case, user) -> dict:
    """The sidebar's "Case" panel: who may take, assign, route; the edit choices."""
    role = role_of(user)
    may_route = allowed(lambda: route_check(case=case, by=user))
    return {
        "escalation": ESCALATION.get(case.escalation_level, ""),
        "may_assign_others": role in (Role.TEAM_LEAD, Role.MANAGER),
        "may_take": case.assignee_id != user.pk
        and allowed(lambda: assignment_check(case=case, assignee=user, by=user)),
        "may_route": may_route,
        "teams": list(Team.objects.all()) if may_route else [],
        "assignable": list(assignable_users(case))
        if role in (Role.TEAM_LEAD, Role.MANAGER)
        else [],
        "may_edit": role is not None and case.is_open,
        "priorities": Priority.choices,
        "categories": list(
            Category.objects.filter(Q(active=True) | Q(pk=case.category_id))
        ),
    }


def case_loaded(user, reference: str) -> Case | None:
    """The case with its joins for the page, if `user` may see it."""
    return (
        cases_visible_to(user)
        .select_related(
            "customer",
            "category",
            "team",
            "assignee",
            "sla_policy",
            "root_cause",
            "duplicate_of",
            "customer__vulnerability",
            "customer__representative",
        )
        .filter(reference=reference)
        .first()
    )


def case_page(*, case: Case, user, now: datetime) -> dict:
    """The page's data: stepper, messages, offers, follow-ups, deadlines, timeline."""
    offers = list(case.offers.select_related("made_by", "approved_by"))
    book = CalendarBook()
    spec = book.spec(case_calendar_id(case))
    deadlines = [
        (d, deadline_label(d, now=now, spec=spec)) for d in case.deadlines.all()
    ]
    role = role_of(user)
    plans_followups = case.stage in (Stage.RESOLVED, Stage.FOLLOWING_UP)
    return {
        "steps": stepper(case),
        "purpose": PURPOSE[case.stage],
        "next_stage": next_stage(case),
        "missing": missing_to_advance(case),
        "messages_list": list(case.messages.all()),
        "attachments": list(attachments_of_case(case=case)),
        "attachment_limit": max_bytes(),
        "offers": offers,
        "costs": cost_totals(offers),
        "followups": list(
            FollowUp.objects.filter(case=case)
            .select_related("owner")
            .order_by("due_at")
        ),
        "deadlines": deadlines,
        "statutory": case_statutory_clocks(case, now=now),
        "events": list(case.events.all()),
        "may_approve": role in (Role.TEAM_LEAD, Role.MANAGER),
        **case_facts(case=case, user=user),
        "canned": [
            (r.title, canned_render(r, case=case, agent=user))
            for r in canned_for_case(case)
        ],
        "followup_owners": list(staff_who_may_see(case)) if plans_followups else [],
        "proposals": followup_proposals(
            case=case, opening=lambda at: case_next_open(case=case, at=at)
        )
        if plans_followups
        else [],
        "promises": list(case_promises(case)),
        "promise_suggestions": promise_suggestions(case) if case.is_open else [],
        "promise_owners": list(staff_who_may_see(case)) if case.is_open else [],
        "duplicates": likely_duplicates(case) if case.is_open else [],
        "incident_suggestions": incident_suggestions(case, user=user)
        if case.is_open and role in (Role.TEAM_LEAD, Role.MANAGER)
        else [],
        **regulated_panel(case=case, user=user),
    }
