"""Promises: what we told the customer we would do, by when, owned by someone.

`promise_make` records one (its owner must be staff who may see the case);
`promise_keep` marks it kept. The due pass (`service_recovery.due`) reminds the
owner `PROMISE_REMIND_BEFORE_MINUTES` before it is due and escalates a promise
still not kept at its due time, each exactly once. `commitments_in` spots a
commitment in a message so the page can suggest recording it as a promise.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import as_actor
from complaints.exceptions import ActionForbidden, DomainError
from complaints.models import Case, EventKind
from complaints.selectors import case_visible
from complaints.timeline import record_event

from .models import Promise

YEAR_MIN, YEAR_MAX = 1900, 2200


class PromiseRefused(DomainError):
    """A promise could not be made or kept."""

    title = "Promise refused"


def remind_at(due_at: datetime) -> datetime:
    """When the owner hears about a promise coming due."""
    return due_at - timedelta(minutes=settings.PROMISE_REMIND_BEFORE_MINUTES)


def promise_make(
    *,
    case: Case,
    text: str,
    due_at: datetime,
    owner,
    by,
    customer_facing: bool = True,
    now: datetime | None = None,
) -> Promise:
    """Record a promise on the case; raise PromiseRefused (owner, due time, text)."""
    now = now or timezone.now()
    actor = as_actor(by)
    text = (text or "").strip()
    if not text:
        raise PromiseRefused(gettext("Say what was promised."), ["body"])
    if not YEAR_MIN <= due_at.year <= YEAR_MAX or due_at <= now:
        raise PromiseRefused(
            gettext("A promise is due at a time in the future."),
            ["a due time in the future"],
        )
    if owner is None or not owner.is_active or not case_visible(owner, case):
        name = owner.get_username() if owner is not None else gettext("nobody")
        raise PromiseRefused(
            gettext(
                "The promise's owner must be staff who may see %(reference)s; "
                "%(name)s may not."
            )
            % {"reference": case.reference, "name": name},
            ["owner"],
        )
    with transaction.atomic():
        promise = Promise.objects.create(
            case=case,
            text=text[:500],
            due_at=due_at,
            owner=owner,
            customer_facing=customer_facing,
            created_at=now,
            next_check_at=min(remind_at(due_at), due_at),
        )
        record_event(
            case,
            EventKind.PROMISE_MADE,
            by=actor,
            promise_id=promise.pk,
            text=promise.text,
            due_at=due_at.isoformat(),
            owner=owner.get_username(),
            customer_facing=customer_facing,
        )
    return promise


def promise_keep(*, promise: Promise, by, now: datetime | None = None) -> Promise:
    """Mark the promise kept (again is a no-op); only staff who may see the case.

    Raises ActionForbidden when `by` may not see the case.
    """
    actor = as_actor(by)
    if actor.user is not None and not case_visible(actor.user, promise.case):
        raise ActionForbidden(
            gettext("Only staff who may see the case keep its promises.")
        )
    with transaction.atomic():
        promise = Promise.objects.select_for_update().get(pk=promise.pk)
        if promise.kept_at is not None:
            return promise
        promise.kept_at = now or timezone.now()
        promise.next_check_at = None
        promise.save(update_fields=["kept_at", "next_check_at"])
        record_event(
            promise.case,
            EventKind.PROMISE_KEPT,
            by=actor,
            promise_id=promise.pk,
            text=promise.text,
            late=promise.kept_at > promise.due_at,
        )
    return promise


_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
COMMITMENT = re.compile(
    r"\b(?:I|we)\s*(?:will|'ll|’ll|shall)\b[^.!?\n]{0,160}"
    rf"|\b(?:by|on|before|until)\s+(?:the\s+)?(?:end\s+of\s+)?(?:{_WEEKDAYS}"
    r"|tomorrow|tonight|today|next\s+week|the\s+end\s+of\s+the\s+(?:day|week))\b"
    rf"|\b(?:tomorrow|tonight|{_WEEKDAYS})\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def commitments_in(text: str) -> list[str]:
    """The sentences of `text` that commit us to something ("we will", "by Friday").

    A pure function: the case page offers each as a promise to confirm.
    """
    found = []
    for sentence in SENTENCE.findall(text or ""):
        sentence = sentence.strip()
        if sentence and COMMITMENT.search(sentence) and sentence not in found:
            found.append(sentence[:500])
    return found
