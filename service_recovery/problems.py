"""Problems, the iceberg under the complaints: open one, link cases, act, check.

`on_case_changed` is subscribed (in `ServiceRecoveryConfig.ready`) to filed and
edited cases. After commit it looks at each key the case has (its root cause;
its category with its `metadata["product"]`): a case joins the open problem of
that key, or, when `PROBLEM_THRESHOLD` cases of the key arrived within
`PROBLEM_WINDOW_DAYS`, opens one that links them all and tells the managers
once. The partial unique constraint `problem_one_open_per_key` makes
concurrent filings that all cross the threshold open exactly one: the losers
of the race catch the IntegrityError and join the winner's problem.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from complaints.actors import Actor
from complaints.exceptions import DomainError
from complaints.models import Case, Event, EventKind
from complaints.timeline import record_events
from notifications.models import NotificationKind
from notifications.outbox import outbox_enqueue_on_commit
from notifications.selectors import all_managers
from notifications.services import notifications_create
from teams.selectors import is_lead_or_manager

from .models import Problem, ProblemAction, ProblemBasis, ProblemCase, ProblemStatus

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("problems")
WATCHED_FIELDS = {"root_cause", "category", "metadata"}
KEY_PRODUCT_MAX = 150


@dataclass(frozen=True)
class ProblemKey:
    """What a group of cases shares: a root cause, or a category and product."""

    basis: str
    category_id: int | None = None
    root_cause_id: int | None = None
    product: str = ""

    @property
    def key(self) -> str:
        if self.basis == ProblemBasis.ROOT_CAUSE:
            return f"root_cause:{self.root_cause_id}"
        key = f"category:{self.category_id}"
        return f"{key}:product:{self.product}" if self.product else key

    def cases(self) -> QuerySet[Case]:
        """Every case with this key (any time, any stage)."""
        if self.basis == ProblemBasis.ROOT_CAUSE:
            return Case.objects.filter(root_cause_id=self.root_cause_id)
        cases = Case.objects.filter(category_id=self.category_id)
        if self.product:
            return cases.filter(metadata__product=self.product)
        return cases.filter(Q(metadata__product__isnull=True) | Q(metadata__product=""))


def product_of(case: Case) -> str:
    """The case's `metadata["product"]` as text ('' when absent or not a string)."""
    product = (
        (case.metadata or {}).get("product")
        if isinstance(case.metadata, dict)
        else None
    )
    if not isinstance(product, str):
        return ""
    return product.strip()[:KEY_PRODUCT_MAX]


def keys_of(case: Case) -> list[ProblemKey]:
    """The problem keys a case counts towards."""
    keys = []
    if case.root_cause_id:
        keys.append(
            ProblemKey(basis=ProblemBasis.ROOT_CAUSE, root_cause_id=case.root_cause_id)
        )
    if case.category_id:
        keys.append(
            ProblemKey(
                basis=ProblemBasis.CATEGORY,
                category_id=case.category_id,
                product=product_of(case),
            )
        )
    return keys


def window() -> timedelta:
    return timedelta(days=settings.PROBLEM_WINDOW_DAYS)


def on_case_changed(events: Sequence[Event]) -> None:
    """Subscriber: match each filed case, or edited one whose key may have moved."""
    case_ids = []
    for event in events:
        if event.kind == EventKind.CASE_EDITED and not (
            WATCHED_FIELDS & set(event.after or {})
        ):
            continue
        if (
            event.kind == EventKind.CASE_FILED
            and Event.case.is_cached(event)
            and not keys_of(event.case)
        ):
            continue  # filed with no category (a root cause comes later)
        case_ids.append(event.case_id)
    for case_id in dict.fromkeys(case_ids):
        problems_match(case_id=case_id)


def problems_match(*, case_id: int, now: datetime | None = None) -> list[Problem]:
    """Link the case to the open problem of each of its keys, opening one when
    the key's cases within the window reach the threshold; return its problems.
    """
    now = now or timezone.now()
    case = Case.objects.select_related("category", "root_cause").filter(pk=case_id)
    case = case.first()
    if case is None:
        return []
    found = []
    for key in keys_of(case):
        problem = _open_problem(key) or _maybe_open(key, case=case, now=now)
        if problem is not None:
            problem_link(problem=problem, cases=[case], now=now)
            found.append(problem)
    return found


def _open_problem(key: ProblemKey) -> Problem | None:
    return Problem.objects.filter(key=key.key, status=ProblemStatus.OPEN).first()


def _maybe_open(key: ProblemKey, *, case: Case, now: datetime) -> Problem | None:
    recent = key.cases().filter(created_at__gte=now - window())
    if recent.count() < settings.PROBLEM_THRESHOLD:
        return None
    try:
        with transaction.atomic():
            problem = Problem.objects.create(
                key=key.key,
                basis=key.basis,
                category_id=key.category_id,
                root_cause_id=key.root_cause_id,
                product=key.product,
                title=_title(key, case),
                opened_at=now,
            )
            cases = list(recent.order_by("created_at", "id"))
            problem_link(problem=problem, cases=cases, now=now, opened_by=case)
            _tell_managers(problem, cases, now)
    except IntegrityError:
        # Another filing opened it first (the partial unique constraint).
        return _open_problem(key)
    logger.info("problem %s opened for %s", problem.pk, key.key)
    return problem


def _title(key: ProblemKey, case: Case) -> str:
    if key.basis == ProblemBasis.ROOT_CAUSE:
        return f"Root cause: {case.root_cause}"[:300]
    title = f"Category: {case.category}"
    return (f"{title}, product {key.product}" if key.product else title)[:300]


def problem_link(
    *,
    problem: Problem,
    cases: Sequence[Case],
    now: datetime,
    opened_by: Case | None = None,
) -> int:
    """Link `cases` to `problem` (each once); record it on each case's timeline.

    `opened_by` is the case whose filing opened the problem: its event carries
    `opened: true` (the webhook `problem.opened`). Return how many were new.
    """
    have = set(
        ProblemCase.objects.filter(problem=problem, case__in=cases).values_list(
            "case_id", flat=True
        )
    )
    new = [case for case in cases if case.pk not in have]
    if not new:
        return 0
    with transaction.atomic():
        ProblemCase.objects.bulk_create(
            [ProblemCase(problem=problem, case=case, linked_at=now) for case in new],
            ignore_conflicts=True,
        )
        record_events(
            [
                (
                    case,
                    EventKind.PROBLEM_LINKED,
                    {
                        "problem_id": problem.pk,
                        "key": problem.key,
                        "title": problem.title,
                        "opened": opened_by is not None and case.pk == opened_by.pk,
                    },
                )
                for case in new
            ],
            by=SYSTEM,
        )
    return len(new)


def _tell_managers(problem: Problem, cases: list[Case], now: datetime) -> None:
    ids = notifications_create(
        recipients=all_managers(),
        kind=NotificationKind.PROBLEM_OPENED,
        key=f"problem:{problem.pk}:opened",
        context={
            "problem": problem,
            "count": len(cases),
            "window_days": settings.PROBLEM_WINDOW_DAYS,
            "basis": ProblemBasis(problem.basis).label.lower().removeprefix("same "),
            "references": [case.reference for case in cases],
        },
        now=now,
    )
    outbox_enqueue_on_commit(ids)


def problem_act(*, problem: Problem, text: str, by) -> ProblemAction:
    """Record an action taken on the problem."""
    return ProblemAction.objects.create(
        problem=problem, text=text.strip(), by=by, created_at=timezone.now()
    )


def problem_set_owner(*, problem: Problem, owner, by) -> Problem:
    """Give the problem an owner; raise DomainError unless a lead or manager."""
    if not is_lead_or_manager(owner):
        raise DomainError(
            gettext("A problem's owner is a team lead or a manager; %(name)s is not.")
            % {"name": owner.get_username()},
            ["owner"],
        )
    problem.owner = owner
    problem.save(update_fields=["owner"])
    return problem


def problem_close(*, problem: Problem, by) -> Problem:
    """Close the problem; later cases of its key count towards a new one."""
    if problem.status == ProblemStatus.OPEN:
        problem.status = ProblemStatus.CLOSED
        problem.closed_at = timezone.now()
        problem.save(update_fields=["status", "closed_at"])
    return problem


def problem_key(problem: Problem) -> ProblemKey:
    return ProblemKey(
        basis=problem.basis,
        category_id=problem.category_id,
        root_cause_id=problem.root_cause_id,
        product=problem.product,
    )


def problem_effect(
    problem: Problem,
    *,
    days: int | None = None,
    now: datetime | None = None,
    within: QuerySet[Case] | None = None,
) -> dict:
    """Did the actions work? Cases of the key in the `days` before vs after the
    first action (default the problem window), counted `within` the cases a
    reader may see when given. `worked` is None until there is an action and
    the days after it have passed.
    """
    days = days or settings.PROBLEM_WINDOW_DAYS
    now = now or timezone.now()
    first = problem.actions.order_by("created_at", "id").first()
    if first is None:
        return {
            "first_action_at": None,
            "days": days,
            "before": None,
            "after": None,
            "worked": None,
        }
    start, span = first.created_at, timedelta(days=days)
    cases = problem_key(problem).cases()
    if within is not None:
        cases = cases.filter(pk__in=within.values("pk"))
    before = cases.filter(created_at__gte=start - span, created_at__lt=start).count()
    after = cases.filter(created_at__gte=start, created_at__lt=start + span).count()
    worked = None if now < start + span else after < before
    return {
        "first_action_at": start,
        "days": days,
        "before": before,
        "after": after,
        "worked": worked,
    }
