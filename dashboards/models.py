"""The dashboards' stored figures: one `CaseFacts` row per case.

A row holds what the period figures count about one case: its dimensions
as they stand now, the moments that date each figure (filing, first
response, resolution, closing, the SLA clocks, escalations), its counts and
its business-hours durations. `dashboards.facts` rewrites a row whole from
the case whenever the case changes; `dashboards.metrics` reads the rows
with one ORM aggregate per figure. `RefreshMark` records the last refresh.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import DateTimeField, Func
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, Priority, Stage


class NarrowKey(models.ForeignKey):
    """A key to a row whose ids fit in four bytes (teams, categories, staff,
    customers: a few thousand, or millions at most), stored as an integer."""

    def db_type(self, connection) -> str:
        return models.IntegerField().db_type(connection)


class NarrowCase(models.OneToOneField):
    """The case a row belongs to, as a four-byte integer (as `NarrowKey`)."""

    def db_type(self, connection) -> str:
        return models.IntegerField().db_type(connection)


class Code(models.SmallIntegerField):
    """One of a few text values (a priority, channel or stage), stored as two
    bytes: its place in `codes`, which only ever grows at its end. Lookups and
    rows read and write the text."""

    def __init__(self, *args, codes: tuple[str, ...] = (), **kwargs):
        self.codes = tuple(codes)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, {**kwargs, "codes": self.codes}

    def get_prep_value(self, value):
        if value is None or isinstance(value, int):
            return value
        return self.codes.index(str(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else self.codes[value]

    def to_python(self, value):
        return value if value is None or isinstance(value, str) else self.codes[value]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
# The minutes a Moment holds: from the year 1 (a far date before is read as
# that) to 2**31 - 1 (the year 6053; a deadline further off stays in the
# future, and no period reaches either).
FIRST_MINUTE = (datetime(1, 1, 2, tzinfo=UTC) - EPOCH) // MINUTE
LAST_MINUTE = 2**31 - 1


class Moment(models.IntegerField):
    """A moment to the minute in four bytes: whole minutes since 1970 (UTC),
    rounded down. Rows and lookups read and write datetimes; a period's
    bounds are whole minutes (local midnights), so it counts a moment
    exactly as the datetime would, and "once past" (a missed deadline)
    counts from the minute after it fell due."""

    @staticmethod
    def minutes(value: datetime) -> int:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return min(max((value - EPOCH) // MINUTE, FIRST_MINUTE), LAST_MINUTE)

    @staticmethod
    def of(minutes: int) -> datetime:
        return EPOCH + minutes * MINUTE

    def get_prep_value(self, value):
        if value is None or isinstance(value, int):
            return value
        return self.minutes(value)

    def from_db_value(self, value, expression, connection):
        return None if value is None else self.of(value)

    def to_python(self, value):
        """A datetime (or minutes) as the moment stored: whole minutes, UTC."""
        return None if value is None else self.of(self.get_prep_value(value))


class AsDateTime(Func):
    """A Moment column as a timestamp (to truncate it to days)."""

    output_field = DateTimeField()
    template = "(TIMESTAMPTZ 'epoch' + %(expressions)s * INTERVAL '1 minute')"

    def as_sqlite(self, compiler, connection, **extra):
        template = "datetime(%(expressions)s * 60, 'unixepoch')"
        return self.as_sql(compiler, connection, template=template, **extra)


def _dimension(model: str) -> NarrowKey:
    # No constraint: facts are derived data, rewritten from the case. No
    # index: periods are found by time (`active_until`), never by dimension.
    return NarrowKey(
        model,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )


def _moment() -> Moment:
    return Moment(null=True, blank=True)


class CaseFacts(models.Model):
    """What the period figures count about one case (see the module).

    The columns go widest first (four-byte moments, keys and counts,
    two-byte codes, then flags), so a row carries no padding.
    """

    filed_at = Moment()
    # The latest of the moments below, so a period reads only the cases
    # active in it: filed before its end and open, or active after its start.
    active_until = Moment()
    first_response_at = _moment()
    resolved_at = _moment()
    closed_at = _moment()
    # The SLA clocks, decided as the figures count them (metrics.figures.
    # clock_q): met no later than due (when met), or else neither paused nor
    # cancelled before it fell due (when due: missed once that has passed).
    fr_on_time_at = _moment()
    fr_missed_at = _moment()
    res_on_time_at = _moment()
    res_missed_at = _moment()
    # When the case first reached escalation level 1 and 2 (levels only rise).
    escalated_1_at = _moment()
    escalated_2_at = _moment()
    # Service recovery: the first apology, the first offer, the latest of two
    # or more scored follow-ups, and when a follow-up last ended unsatisfied
    # (customers at risk).
    first_apology_at = _moment()
    first_offer_at = _moment()
    csat_after_at = _moment()
    unhappy_at = _moment()
    case = NarrowCase(
        "complaints.Case",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="facts",
    )
    team = _dimension("teams.Team")
    category = _dimension("complaints.Category")
    root_cause = _dimension("complaints.RootCause")
    assignee = _dimension(settings.AUTH_USER_MODEL)
    customer = _dimension("customers.Customer")
    first_response_seconds = models.IntegerField(null=True, blank=True)
    resolution_seconds = models.IntegerField(null=True, blank=True)
    first_apology_seconds = models.IntegerField(null=True, blank=True)
    # On the customer's latest filing, how many they filed (repeat
    # complainants of a period reaching now, of all time).
    customer_cases = models.PositiveIntegerField(null=True, blank=True)
    # Plain values (Priority, Channel, Stage), copied from the case.
    priority = Code(codes=tuple(Priority.values))
    channel = Code(codes=tuple(Channel.values))
    stage = Code(codes=tuple(Stage.values))
    reopen_count = models.PositiveSmallIntegerField(default=0)
    skipped_steps = models.PositiveSmallIntegerField(default=0)
    # The scores of the first and the latest of two or more scored follow-ups.
    csat_before = models.PositiveSmallIntegerField(null=True, blank=True)
    csat_after = models.PositiveSmallIntegerField(null=True, blank=True)
    first_offer_accepted = models.BooleanField(null=True, blank=True)
    # Whether the customer filed again within 90 days of the closing.
    refiled_90d = models.BooleanField(default=False)
    # The latest closed of the customer's cases (by closing, then id), and
    # the latest of those followed by another: a period reaching now counts
    # its distinct customers by them (metrics.figures.ADDING).
    customer_closed_last = models.BooleanField(default=False)
    customer_again_last = models.BooleanField(default=False)
    # The customer's second-latest filing (repeat complainants).
    customer_penultimate = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = _("case facts")
        # A period reads the cases active after its start (today's, and the
        # exact percentiles of a short period: the rest is in the rollup).
        indexes = [
            models.Index(fields=["active_until"], name="casefacts_active"),
            # The customers with the most cases (repeat complainants).
            models.Index(
                fields=["-customer_cases", "customer"],
                name="casefacts_repeat",
                condition=models.Q(customer_cases__gte=2),
            ),
            # The customers unhappy since a day (a few cases of all).
            models.Index(
                fields=["unhappy_at"],
                include=["customer", "team"],
                name="casefacts_unhappy",
                condition=models.Q(unhappy_at__isnull=False),
            ),
            # The open cases per team (the backlog), a few of all.
            models.Index(
                fields=["team"],
                name="casefacts_open_team",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"facts of case {self.case_id}"


GROUPS = ("c:", "r:")  # the keys `Rollup.groups` holds


class Rollup(models.Model):
    """The additive period figures of one whole past day, or of the days of a
    month rolled so far (`counts`: figure name → count, zeros left out; a
    duration's histogram → bucket → cases).

    `grain` says what a row sums: `TEAM` rows one team's cases (or those of
    no team), `ALL` rows every case. Kept by `dashboards.months`: a day is
    rolled whole once it ends, then adjusted by the difference whenever a
    case that counts in it is rewritten; a month row is the sum of its days.
    A period reads its whole months and days here and only today from the
    facts; a filter by category, priority or channel reads the facts alone.
    """

    class Grain(models.IntegerChoices):
        TEAM = 1
        ALL = 2

    start = models.DateField(help_text=_("The (local) day, or the month's first."))
    month = models.BooleanField(default=False, help_text=_("A whole month's row."))
    grain = models.PositiveSmallIntegerField(choices=Grain)
    team = _dimension("teams.Team")
    counts = models.JSONField(default=dict)
    # The filings per category and root cause ("c:…", "r:…"), apart from the
    # rest: a case moved to another category rewrites only them, not the
    # thousands of counts beside them.
    groups = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["grain", "month", "start"], name="rollup_start")
        ]

    def __str__(self) -> str:
        return f"figures of {self.start:%Y-%m-%d}"

    @staticmethod
    def column_of(key: str) -> str:
        """The column that holds the count `key`."""
        return "groups" if key.startswith(GROUPS) else "counts"

    @staticmethod
    def split(counts: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        """`counts` as (the counts, the groups) columns hold them."""
        groups = {k: n for k, n in counts.items() if k.startswith(GROUPS)}
        return {k: n for k, n in counts.items() if k not in groups}, groups

    def tallied(self) -> dict[str, int]:
        """Every count of the row."""
        return {**self.counts, **self.groups}


class RefreshMark(models.Model):
    """When a background refresh last ran, and which timeline events it saw.

    Kept in the database rather than the cache so it moves with the data (a
    restore or a fresh test database starts without a mark: rebuilt in full).
    """

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    event_id = models.BigIntegerField(
        null=True, blank=True, help_text=_("The newest timeline event seen then.")
    )
    # The older ids not seen yet: [id, horizon] (`dashboards.changes`).
    pending = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
