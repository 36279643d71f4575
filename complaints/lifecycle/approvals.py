"""Who approves an above-limit offer: the one rule, for a case, a queue and a notice.

A manager approves any offer; a team lead approves offers on cases of their
teams (and on Triage cases, which every lead sees). Another person than the
maker approves unless `OFFER_SELF_APPROVAL` is on. `offer_approve` and
`offer_reject` check it per case, the approvals queue filters cases with it,
and the "approval requested" notification finds its recipients with it.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q

from teams.models import Role
from teams.selectors import managers, role_of, team_ids_of, team_leads

from ..models import Case, Offer, OfferStatus


def self_approval() -> bool:
    """Whether an approver may approve their own above-limit offer (setting)."""
    return bool(getattr(settings, "OFFER_SELF_APPROVAL", False))


def may_approve(user: AbstractBaseUser | None, case: Case) -> bool:
    """Whether `user` may approve (or reject) offers on `case`."""
    role = role_of(user) if user is not None else None
    if role == Role.MANAGER:
        return True
    if role != Role.TEAM_LEAD:
        return False
    return case.team_id is None or case.team_id in team_ids_of(user)


def approvable_cases_q(user: AbstractBaseUser | None) -> Q | None:
    """The cases whose offers `user` may approve, as a filter on Case; None if none."""
    role = role_of(user) if user is not None else None
    if role == Role.MANAGER:
        return Q()
    if role != Role.TEAM_LEAD:
        return None
    return Q(team__isnull=True) | Q(team_id__in=team_ids_of(user))


def awaiting_approval_by_q(user: AbstractBaseUser | None) -> Q:
    """Cases with an offer pending approval that `user` may approve (not their own)."""
    scope = approvable_cases_q(user)
    if scope is None:
        return Q(pk__in=[])
    pending = Offer.objects.filter(
        case_id=OuterRef("pk"), status=OfferStatus.PENDING_APPROVAL
    )
    if not self_approval():
        pending = pending.exclude(made_by_id=user.pk)
    return scope & Q(Exists(pending))


def approvers_of(case: Case, *, maker: Any = None) -> list[AbstractBaseUser]:
    """Everyone who may approve an offer on `case`, less its maker (unless self-approval)."""
    people = {u.pk: u for u in team_leads(case.team) if may_approve(u, case)}
    for user in managers():
        people.setdefault(user.pk, user)
    if maker is not None and not self_approval():
        people.pop(maker.pk, None)
    return list(people.values())
