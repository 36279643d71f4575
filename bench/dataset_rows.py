"""Row makers of the bulk loader (`bench/dataset.py`): one case and all it owns.

Proportions: cases spread over three years; older than 45 days, 94% closed;
7–45 days, 60% closed and the rest across the stages; under a week, mostly
open. Priorities 20/55/20/5 % (low/normal/high/urgent). First responses after
~6 h, resolutions after ~3 days (exponential); 5% skip a step, 4% are
reopened, breached clocks escalate (70% to level 1, 20% on to 2).
"""

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

from bench.dataset_tables import CHANNELS, CLOSES, KINDS, MONETARY, PRIORITIES, STAGES

HOUR = 3600.0
DAY = 86400.0
SPAN_DAYS = 3 * 365
WALL_PER_BUSINESS = 4.2  # 168 wall hours a week over 40 business hours


def pick(rng: random.Random, weighted: tuple) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def ts(value: float | None) -> str | None:
    return None if value is None else datetime.fromtimestamp(value, UTC).isoformat()


class CaseMaker:
    """Makes the rows of one case: the case, deadlines, offers, follow-ups, events."""

    def __init__(
        self,
        *,
        ref: dict,
        now: datetime,
        rng: random.Random,
        n_customers: int,
        ages: list[float] | None = None,
    ):
        self.ref, self.rng, self.n_customers = ref, rng, n_customers
        # Each case's age as a share of the span, by key (oldest first: cases
        # stored in filing order, as a live database files them); else drawn.
        self.ages = ages
        self.now = now.timestamp()
        self.now_iso = now.isoformat()
        self.last_reference: dict[int, int] = {}
        self.frequent = max(1, n_customers // 20)

    def case(self, pk: int):
        rng = self.rng
        age = self.ages[pk - 1] if self.ages else rng.random() ** 0.9
        created = self.now - age * SPAN_DAYS * DAY
        age = self.now - created
        stage = self._stage(age / DAY)
        priority = pick(rng, PRIORITIES)
        category = rng.choice(self.ref["categories"])
        team = self.ref["teams"][self.ref["categories"].index(category) % 6]
        agent = rng.choice(self.ref["agents"][team]) if stage != "new" else None
        close = pick(rng, CLOSES) if stage == "closed" else ""
        if close == "withdrawn" and rng.random() < 0.5:
            reached = rng.randrange(0, 4)
        else:
            reached = STAGES.index(stage) if stage != "closed" else 6
        first = self._after(created, 6 * HOUR, age) if reached >= 2 else None
        resolved = None
        if reached >= 4 and close != "withdrawn":
            resolved = self._after(first, 3 * DAY, self.now - first)
        closed = None
        if stage == "closed":
            base = resolved or first or created
            closed = self._after(base, 5 * DAY, self.now - base)
        skipped = 1 if reached >= 3 and rng.random() < 0.05 else 0
        reopened = 1 if reached >= 4 and rng.random() < 0.04 else 0
        fr_min, res_min = self.ref["targets"][priority]
        fr_due = created + fr_min * 60 * WALL_PER_BUSINESS
        res_due = created + res_min * 60 * WALL_PER_BUSINESS
        breached = (first or self.now) > fr_due or (resolved or self.now) > res_due
        level = 0
        if breached and rng.random() < 0.3:
            level = 2 if rng.random() < 0.2 else 1
        paused = stage == "resolving" and rng.random() < 0.2
        cause = (
            rng.choice(self.ref["causes"]) if resolved and rng.random() < 0.6 else None
        )
        year = datetime.fromtimestamp(created, UTC).year
        number = self.last_reference[year] = self.last_reference.get(year, 0) + 1
        customer = (
            rng.randrange(1, self.frequent + 1)
            if rng.random() < 0.3
            else rng.randrange(1, self.n_customers + 1)
        )
        updated = max(t for t in (created, first, resolved, closed) if t)
        channel = pick(rng, CHANNELS)
        yield (
            "complaints_case",
            [
                pk,
                f"C-{year}-{number:06d}",
                "Parcel arrived broken",
                "It was broken.",
                channel,
                priority,
                stage,
                "",
                "",
                "",
                False,
                "",
                level,
                close,
                paused,
                ts(self.now - DAY) if paused else None,
                close == "no_follow_up",
                skipped,
                reopened,
                "{}",
                1,
                ts(created),
                ts(updated),
                ts(first),
                ts(resolved),
                ts(closed),
                agent,
                customer,
                self.ref["policies"][priority],
                team,
                category,
                cause,
            ],
        )
        cancelled = closed if close == "withdrawn" else None
        for kind, minutes, due, met in (
            ("first_response", fr_min, fr_due, first),
            ("resolution", res_min, res_due, resolved),
        ):
            stop = cancelled if met is None else None
            late = (met or stop or self.now) > due and not (
                paused and kind == "resolution"
            )
            yield (
                "sla_deadline",
                [
                    pk,
                    kind,
                    minutes,
                    ts(created),
                    "0",
                    ts(due),
                    ts(created + (due - created) * 0.75),
                    ts(met),
                    ts(self.now - DAY) if paused and kind == "resolution" else None,
                    ts(due) if late and due < self.now else None,
                    ts(stop),
                    None if met or stop or paused else ts(max(due, self.now)),
                ],
            )
        yield from self._offers(pk, reached, stage, first, resolved, agent)
        yield from self._followups(pk, stage, close, resolved, closed, agent)
        yield from self._events(
            pk, agent, created, first, resolved, closed, reached, skipped, level
        )

    def _stage(self, days: float) -> str:
        r = self.rng.random()
        if days > 45:
            return "closed" if r < 0.94 else self.rng.choice(STAGES[1:6])
        if days > 7:
            table = (
                (0.60, "closed"),
                (0.75, "following_up"),
                (0.78, "resolved"),
                (0.88, "resolving"),
                (0.94, "acknowledged"),
                (0.98, "listening"),
            )
        else:
            table = (
                (0.05, "closed"),
                (0.10, "following_up"),
                (0.15, "resolved"),
                (0.35, "resolving"),
                (0.60, "acknowledged"),
                (0.80, "listening"),
            )
        return next((s for limit, s in table if r < limit), "new")

    def _after(self, start: float, mean: float, room: float) -> float:
        return start + min(self.rng.expovariate(1 / mean), max(room, 1) * 0.99)

    def _offers(self, pk, reached, stage, first, resolved, agent):
        if reached < 3 or first is None:
            return
        rng = self.rng
        count = 2 if rng.random() < 0.2 else 1
        for n in range(count):
            kind = pick(rng, KINDS)
            amount, currency = None, ""
            if kind in MONETARY or (kind == "goodwill_gesture" and rng.random() < 0.5):
                amount = str(
                    Decimal(rng.lognormvariate(3.8, 0.8)).quantize(Decimal("0.01"))
                )
                currency = pick(rng, (("EUR", 80), ("USD", 15), ("GBP", 5)))
            above = bool(amount) and Decimal(amount) > 200
            last = n == count - 1
            if resolved is not None:
                status = (
                    ("accepted" if kind == "apology_only" else "fulfilled")
                    if last
                    else rng.choice(("declined", "countered"))
                )
            else:
                status = rng.choice(
                    ("pending_approval",)
                    if above
                    else ("proposed", "countered", "declined")
                )
            made = first + (n + 1) * HOUR
            decided = (
                made + HOUR if status not in ("proposed", "pending_approval") else None
            )
            yield (
                "complaints_offer",
                [
                    pk,
                    kind,
                    amount,
                    currency,
                    "",
                    False,
                    status,
                    above,
                    "",
                    ts(made),
                    ts(made),
                    ts(decided),
                    ts(resolved) if status == "fulfilled" else None,
                    agent,
                ],
            )

    def _followups(self, pk, stage, close, resolved, closed, agent):
        if (
            resolved is None
            or close in ("no_follow_up", "withdrawn")
            or stage == "resolved"
        ):
            return
        rng = self.rng
        for n in range(1 if rng.random() < 0.6 else 2):
            due = resolved + (1 if n == 0 else 7) * DAY
            if stage == "closed":
                scored = rng.random() < 0.85
                csat = (
                    rng.choices((1, 2, 3, 4, 5), (5, 7, 13, 35, 40))[0]
                    if scored
                    else None
                )
                outcome = "unsatisfied" if close == "unsatisfied" else "satisfied"
                done_at = min(due + HOUR, closed or self.now)
                row = [
                    pk,
                    agent,
                    ts(due),
                    "phone",
                    "",
                    "done",
                    outcome,
                    csat,
                    "",
                    ts(done_at),
                    None,
                    ts(resolved),
                ]
            else:
                row = [
                    pk,
                    agent,
                    ts(due),
                    "email",
                    "",
                    "scheduled",
                    "",
                    None,
                    "",
                    None,
                    ts(due),
                    ts(resolved),
                ]
            yield "followups_followup", row

    def _events(
        self, pk, agent, created, first, resolved, closed, reached, skipped, level
    ):
        label = f"agent {agent}" if agent else "system"
        yield (
            "complaints_event",
            [pk, None, "system", "case_filed", None, '"new"', "{}", ts(created)],
        )
        if agent:
            yield (
                "complaints_event",
                [
                    pk,
                    agent,
                    label,
                    "assigned",
                    None,
                    '"agent"',
                    "{}",
                    ts(created + 600),
                ],
            )
        stamps = [created + 900, first, first, resolved, resolved, closed]
        skip_at = reached - 1 if skipped else None
        for index in range(1, min(reached, 6) + 1):
            when = stamps[index - 1] or created + index * 1200
            if index == skip_at:
                continue
            data = {"move": "forward"}
            if skip_at is not None and index == skip_at + 1:
                data = {
                    "move": "skip",
                    "skip_reason": "Known issue",
                    "skipped": [STAGES[skip_at]],
                }
            yield (
                "complaints_event",
                [
                    pk,
                    agent,
                    label,
                    "stage_changed",
                    json.dumps(STAGES[index - 1]),
                    json.dumps(STAGES[index]),
                    json.dumps(data),
                    ts(when),
                ],
            )
        if first:
            yield (
                "complaints_event",
                [
                    pk,
                    agent,
                    label,
                    "message_added",
                    None,
                    None,
                    '{"visibility": "customer"}',
                    ts(first),
                ],
            )
        for n in range(1, level + 1):
            yield (
                "complaints_event",
                [
                    pk,
                    None,
                    "system",
                    "escalated",
                    str(n - 1),
                    str(n),
                    "{}",
                    ts(created + n * DAY),
                ],
            )
