"""Likely duplicates: the same customer telling us the same thing twice.

A case is a likely duplicate of another case of the same customer filed
within `DUPLICATE_WINDOW_DAYS` (either way, any channel) when the trigram
similarity of their subject and description reaches `DUPLICATE_THRESHOLD`.
`similarity` computes it as PostgreSQL's `pg_trgm` does (words padded with
two spaces in front and one behind; shared over distinct trigrams); on
PostgreSQL the candidates are ranked by `pg_trgm` itself. The flag is
recomputed when the case's subject, description or customer is edited
(`duplicate_flag_refresh`: set, moved or cleared on the timeline). `case_merge` closes
the newer case as a duplicate through the lifecycle and moves its messages
onto the kept case, recording the move on both timelines.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat, Left

from complaints import lifecycle
from complaints.actors import Actor, as_actor
from complaints.models import Case, CloseReason, EventKind, Message, Stage
from complaints.timeline import record_event
from complaints.versions import case_lock

DUPLICATE_WINDOW_DAYS = 14
DUPLICATE_THRESHOLD = 0.5
MAX_TEXT = 4000
_WORDS = re.compile(r"[^\W_]+")
SYSTEM = Actor.system("duplicates")
# What the likeness is judged on: an edit of any of them refreshes the flag.
DUPLICATE_FIELDS = frozenset({"subject", "description", "customer"})
FLAG_KINDS = (EventKind.DUPLICATE_SUSPECTED, EventKind.DUPLICATE_CLEARED)


def trigrams(text: str) -> set[str]:
    """The trigrams of `text` as pg_trgm forms them (lower-cased alphanumeric words)."""
    found: set[str] = set()
    for word in _WORDS.findall(text[:MAX_TEXT].lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    """Shared trigrams over distinct trigrams of both (0 to 1), as `pg_trgm`."""
    left, right = trigrams(a), trigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def reads_alike(a: str, b: str) -> bool:
    """Whether two complaints' texts are similar enough to call duplicates."""
    return similarity(a, b) >= DUPLICATE_THRESHOLD


def case_text(case: Case) -> str:
    return f"{case.subject} {case.description}"[:MAX_TEXT]


@dataclass(frozen=True)
class Candidate:
    case: Case
    score: float


def likely_duplicates(case: Case, *, limit: int = 3) -> list[Candidate]:
    """Open or closed cases of the same customer within the window that read alike."""
    span = timedelta(days=DUPLICATE_WINDOW_DAYS)
    others = (
        Case.objects.filter(
            customer_id=case.customer_id,
            created_at__gte=case.created_at - span,
            created_at__lte=case.created_at + span,
        )
        .exclude(pk=case.pk)
        .exclude(close_reason=CloseReason.DUPLICATE)
        .exclude(duplicates=case)
    )
    if connection.vendor == "postgresql":
        text = Left(
            Concat("subject", Value(" "), "description", output_field=TextField()),
            MAX_TEXT,
        )
        ranked = others.annotate(score=TrigramSimilarity(text, case_text(case)))
        rows = ranked.filter(score__gte=DUPLICATE_THRESHOLD).order_by("-score")
        return [Candidate(c, float(c.score)) for c in rows[:limit]]
    scored = [Candidate(c, similarity(case_text(c), case_text(case))) for c in others]
    scored = [c for c in scored if reads_alike(case_text(c.case), case_text(case))]
    return sorted(scored, key=lambda c: -c.score)[:limit]


def kept_and_duplicate(a: Case, b: Case) -> tuple[Case, Case]:
    """Which of two cases is kept (the one filed first) and which is the duplicate."""
    first, second = sorted([a, b], key=lambda c: (c.created_at, c.pk))
    return first, second


def case_merge(*, case: Case, other: Case, by) -> Case:
    """Close the newer of two cases as a duplicate of the older; move its messages.

    Raises TransitionRefused when the newer one is not open (the lifecycle's
    duplicate close), DomainError-compatible refusals otherwise.
    """
    actor = as_actor(by)
    kept, duplicate = kept_and_duplicate(case, other)
    with transaction.atomic():
        lifecycle.transition(
            duplicate,
            Stage.CLOSED,
            by=actor,
            close_reason=CloseReason.DUPLICATE,
            duplicate_of=kept,
        )
        moved = list(
            Message.objects.filter(case=duplicate).values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=moved).update(case=kept)
        for on, direction in ((duplicate, "to"), (kept, "from")):
            record_event(
                on,
                EventKind.MESSAGES_MOVED,
                by=actor,
                **{direction: (kept if on is duplicate else duplicate).reference},
                message_ids=moved,
            )
    return kept


def duplicate_flag(case: Case) -> str | None:
    """The reference the case is flagged as likely repeating, or None.

    The flag is the latest `DUPLICATE_SUSPECTED` or `DUPLICATE_CLEARED` event.
    """
    latest = (
        case.events.filter(kind__in=FLAG_KINDS).order_by("-id").only("kind", "data")
    ).first()
    if latest is None or latest.kind == EventKind.DUPLICATE_CLEARED:
        return None
    return latest.data.get("of")


@transaction.atomic
def duplicate_flag_refresh(*, case: Case, by) -> str | None:
    """Recompute the case's likely-duplicate flag; record a change; return it.

    Flags the case (`DUPLICATE_SUSPECTED`) when it reads like another and was
    not flagged as repeating that one, clears the flag (`DUPLICATE_CLEARED`)
    when it no longer reads like any; leaves the timeline alone otherwise.
    """
    actor = as_actor(by)
    # The lock serialises two refreshes of one case (an edit racing a filing).
    case = case_lock(case)
    current = duplicate_flag(case)
    found = likely_duplicates(case, limit=1)
    if found and found[0].case.reference != current:
        record_event(
            case,
            EventKind.DUPLICATE_SUSPECTED,
            by=actor,
            of=found[0].case.reference,
            score=round(found[0].score, 3),
        )
        return found[0].case.reference
    if not found and current is not None:
        record_event(case, EventKind.DUPLICATE_CLEARED, by=actor, of=current)
        return None
    return current


def _case_of(event) -> Case | None:
    # The filing's own case object came with its event: no need to read it again.
    if type(event).case.is_cached(event):
        return event.case
    return Case.objects.filter(pk=event.case_id).first()


def suspected_duplicate_flag(events: Sequence) -> None:
    """Subscriber: flag a newly filed case, and refresh the flag of a case whose
    text or customer was edited (`DUPLICATE_FIELDS`).

    A filing that created its customer has nothing to repeat (no other case of
    theirs existed before it committed; a later one compares itself with it).
    """
    seen: set[int] = set()
    for event in events:
        filed = event.kind == EventKind.CASE_FILED
        if event.case_id in seen or not (
            filed or DUPLICATE_FIELDS & set(event.after or {})
        ):
            continue
        seen.add(event.case_id)
        case = _case_of(event)
        if case is None or (filed and getattr(case, "first_of_customer", False)):
            continue
        duplicate_flag_refresh(case=case, by=SYSTEM)
