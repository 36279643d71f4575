"""Live pages: the cheap stamps a poll compares, and who has a case open.

The inbox and the case page poll every few seconds (static/live.js). Each poll
first computes a stamp in one or two small queries; when the stamp matches the
ETag the page holds, the answer is an empty 304, so an idle tab costs a few
indexed lookups. Presence (who else has the case open) lives in the cache
with a short lifetime: a tab that stops polling drops out on its own.
"""

from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone

from complaints.models import Case
from complaints.models.timeline import Event
from complaints.selectors import cases_visible_to, staff_who_may_see
from config.cache import counter_bump
from notifications.selectors import unread_state

POLL_SECONDS = 4  # static/live.js EVERY_MS: a change shows within 5 s
# A viewer counts as present this long after their last page view or poll:
# a few missed polls (a busy network, a tab in the background) and they go.
PRESENCE_TTL = 20
JUST_NOW = 60  # seconds


def etag_of(*parts: object) -> str:
    """A strong ETag over `parts` (quoted, as HTTP wants it)."""
    digest = sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f'"{digest}"'


def bell_stamp(user) -> tuple[int, int | None]:
    """What the header bell shows: the unread count and the newest unread id."""
    return unread_state(user)


CHANGES_KEY = "web:live:changes"
# An inbox stamp is trusted this long without looking at the cases again when
# the event stream says nothing changed; a change the stream never hears of
# (another process's memory cache, a bulk update) still shows within it.
STAMP_TTL = 30


def changes_note(events) -> None:
    """Count committed case events (an event-stream subscriber; web/apps.py)."""
    counter_bump(CHANGES_KEY)


def inbox_stamp(user) -> tuple[int, int, str]:
    """A stamp that moves whenever a case `user` may see changes, comes or goes.

    While the event stream has counted no change since the user's stamp was
    made, it is reused without a query; otherwise one aggregate over the
    visible cases makes a new one. Every write bumps a case's version and
    `updated_at` (complaints/versions.py), so the sum of the versions and the
    newest update move with any change, and the count when a case is routed
    in or away.
    """
    changes = cache.get(CHANGES_KEY, 0)
    key = f"web:live:inbox-stamp:{user.pk}"
    cached = cache.get(key)
    if cached is not None and cached[0] == changes:
        return cached[1]
    state = cases_visible_to(user).aggregate(
        n=Count("id"), versions=Sum("version"), newest=Max("updated_at")
    )
    newest = state["newest"].isoformat() if state["newest"] else ""
    stamp = (state["n"], state["versions"] or 0, newest)
    cache.set(key, (changes, stamp), STAMP_TTL)
    return stamp


# Presence ---------------------------------------------------------------------


def _presence_key(case_id: int) -> str:
    return f"web:presence:{case_id}"


def presence_mark(*, case: Case, user) -> None:
    """Note that `user` (who may see `case`) has it open now.

    One cache entry per case maps user ids to a name and an expiry. Two
    viewers writing at once may drop one mark; the next poll puts it back.
    """
    key = _presence_key(case.pk)
    now = timezone.now().timestamp()
    present = {
        uid: entry
        for uid, entry in (cache.get(key) or {}).items()
        if entry[1] > now and uid != user.pk
    }
    name = user.get_full_name() or user.get_username()
    present[user.pk] = (name, now + PRESENCE_TTL)
    cache.set(key, present, PRESENCE_TTL)


def presence_forget(*, case: Case, user) -> None:
    """Take `user` off the case's viewers (they left it or may no longer see it)."""
    key = _presence_key(case.pk)
    present = cache.get(key) or {}
    if user.pk in present:
        present.pop(user.pk)
        cache.set(key, present, PRESENCE_TTL)


def others_present_ids(*, case: Case, user) -> list[int]:
    """The ids of everyone else marked present on `case`, from the cache alone."""
    now = timezone.now().timestamp()
    present = cache.get(_presence_key(case.pk)) or {}
    return sorted(uid for uid, e in present.items() if e[1] > now and uid != user.pk)


def others_present(*, case: Case, user, ids: list[int]) -> list[str]:
    """The names of the viewers `ids` who may still see `case` (one query)."""
    if not ids:
        return []
    present = cache.get(_presence_key(case.pk)) or {}
    allowed = set(
        staff_who_may_see(case).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return [present[uid][0] for uid in ids if uid in allowed and uid in present]


# The case page -----------------------------------------------------------------


@dataclass(frozen=True)
class ChangedBy:
    name: str
    at: datetime

    @property
    def just_now(self) -> bool:
        return (timezone.now() - self.at).total_seconds() < JUST_NOW


def changed_by_others(*, case: Case, user, seen: int) -> ChangedBy | None:
    """Who else last changed `case` after timeline event `seen` (None: nobody)."""
    event = (
        Event.objects.filter(case=case, pk__gt=seen)
        .exclude(actor_id=user.pk)
        .order_by("-id")
        .only("actor_label", "created_at")
        .first()
    )
    return ChangedBy(event.actor_label, event.created_at) if event else None


def case_etag(*, case: Case, user, others: list[int]) -> str:
    """The case page's poll ETag: the case's version, the others there, the bell."""
    return etag_of("case", user.pk, case.pk, case.version, others, bell_stamp(user))


def case_live_state(*, case: Case, user, seen: int) -> dict[str, Any]:
    """Mark `user` present on `case`; the ids of the others there, and the ETag.

    `seen` is the newest timeline event the page shows.
    """
    presence_mark(case=case, user=user)
    ids = others_present_ids(case=case, user=user)
    return {
        "etag": case_etag(case=case, user=user, others=ids),
        "others": ids,
        "seen": seen,
        "poll_seconds": POLL_SECONDS,
    }
