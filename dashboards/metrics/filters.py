"""The dashboard filter: parsing it from a query string and scoping cases by it.

One `MetricsFilter` drives the page, the API and the CSV exports, so they can
never disagree about which cases a figure covers. The query parameter names
are public (CONTRACT §7): `from`, `to`, `team`, `category`, `priority`,
`channel`; the page adds `period` for its presets.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from complaints.bounds import moment_problem
from complaints.models import Case, Category, Channel, Priority
from complaints.selectors import cases_visible_to
from teams.models import Role, Team
from teams.selectors import role_of, team_ids_of

PRESETS: dict[str, str] = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "quarter": "This quarter",
    "all": "All time",
    "custom": "Custom dates",
}
DEFAULT_PRESET = "30d"
MAX_DAYS = 366 * 20


class FilterInvalid(Exception):
    """The query string names an unknown value; `errors` maps field → messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class MetricsFilter:
    """Which cases the figures cover: a period of local dates and four dimensions."""

    start: date
    end: date
    preset: str = "custom"
    team: Team | None = None
    category: Category | None = None
    priority: str = ""
    channel: str = ""
    teams: tuple[Team, ...] = field(default=(), compare=False)
    # The teams whose cases the viewer may see; None: every case (a manager).
    visible_team_ids: tuple[int, ...] | None = ()
    # The instants counted, if only parts of the period (`periods.scalars`).
    ranges: tuple[tuple[datetime, datetime], ...] = field(default=(), compare=False)

    @property
    def lower(self) -> datetime:
        """The first instant of the period (local midnight of `start`)."""
        return midnight(self.start)

    @property
    def upper(self) -> datetime:
        """The instant after the period (local midnight after `end`)."""
        return midnight(self.end + timedelta(days=1))

    @property
    def spans(self) -> tuple[tuple[datetime, datetime], ...]:
        return self.ranges or ((self.lower, self.upper),)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "MetricsFilter":
        """The period of the same length just before this one (for trends)."""
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return replace(self, start=start, end=end, preset="custom", ranges=())

    def case_q(self, prefix: str = "") -> Q:
        """Visibility and dimensions as lookups on a case or its facts
        (`prefix`: the path to them from a related row, e.g. "case__")."""
        lookups = {
            f"{prefix}{name}": value
            for name, value in (
                ("team", self.team),
                ("category", self.category),
                ("priority", self.priority),
                ("channel", self.channel),
            )
            if value
        }
        if self.visible_team_ids is not None:
            lookups[f"{prefix}team_id__in"] = list(self.visible_team_ids)
        return Q(**lookups)

    def query(self) -> dict[str, str]:
        """The query parameters that reproduce this filter (for links and forms)."""
        custom = self.preset == "custom"
        params = {
            "period": self.preset,
            "from": self.start.isoformat() if custom else "",
            "to": self.end.isoformat() if custom else "",
            "team": self.team.slug if self.team else "",
            "category": self.category.slug if self.category else "",
            "priority": self.priority,
            "channel": self.channel,
        }
        return {k: v for k, v in params.items() if v}


def may_see_dashboard(user: Any) -> bool:
    """Team leads and managers see the dashboard; agents and clients do not."""
    return getattr(user, "pk", None) is not None and role_of(user) in (
        Role.TEAM_LEAD,
        Role.MANAGER,
    )


def dashboard_teams(user: Any) -> QuerySet[Team]:
    """The teams `user` may filter the dashboard by (a lead: their own)."""
    if role_of(user) == Role.MANAGER:
        return Team.objects.order_by("name")
    return Team.objects.filter(pk__in=team_ids_of(user)).order_by("name")


def scoped_cases(*, user: Any, flt: MetricsFilter) -> QuerySet[Case]:
    """The cases `user` may see that match the filter's dimensions (any date)."""
    return cases_visible_to(user).filter(flt.case_q())


def filter_parse(
    *, user: Any, params: Mapping[str, Any], today: date | None = None
) -> MetricsFilter:
    """Build the filter from query parameters; raise FilterInvalid on bad values."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    teams = tuple(dashboard_teams(user))
    team = _choice(params, "team", {t.slug: t for t in teams}, errors)
    categories = {c.slug: c for c in Category.objects.all()}
    category = _choice(params, "category", categories, errors)
    priority = _choice(params, "priority", {v: v for v in Priority.values}, errors)
    channel = _choice(params, "channel", {v: v for v in Channel.values}, errors)
    start, end, preset = _period(user, params, today, errors)
    if errors:
        raise FilterInvalid(errors)
    return MetricsFilter(
        start=start,
        end=end,
        preset=preset,
        team=team,
        category=category,
        priority=priority or "",
        channel=channel or "",
        teams=teams,
        visible_team_ids=None
        if role_of(user) == Role.MANAGER
        else tuple(team_ids_of(user)),
    )


def _choice(
    params: Mapping[str, Any], name: str, known: dict[str, Any], errors: dict
) -> Any:
    value = str(params.get(name) or "").strip()
    if not value:
        return None
    if value not in known:
        errors[name] = [f"Unknown {name} {value[:40]!r}."]
        return None
    return known[value]


def _period(
    user: Any, params: Mapping[str, Any], today: date, errors: dict
) -> tuple[date, date, str]:
    raw_from, raw_to = params.get("from") or "", params.get("to") or ""
    preset = str(params.get("period") or "").strip()
    if raw_from or raw_to:
        preset = "custom"
    preset = preset or DEFAULT_PRESET
    if preset not in PRESETS:
        errors["period"] = [f"Choose one of {', '.join(PRESETS)}."]
        return today, today, DEFAULT_PRESET
    if preset == "custom":
        end = _date(raw_to, "to", errors) if raw_to else today
        start = _date(raw_from, "from", errors) if raw_from else None
        if start is None and "from" not in errors:
            start = (end or today) - timedelta(days=29)
        if start and end and start > end:
            errors["from"] = ["The period must start on or before its end."]
        elif start and end and (end - start).days > MAX_DAYS:
            errors["from"] = ["The period may span at most 20 years."]
        return start or today, end or today, preset
    if preset == "quarter":
        first_month = (today.month - 1) // 3 * 3 + 1
        return today.replace(month=first_month, day=1), today, preset
    if preset == "all":
        return _first_day(user, today), today, preset
    return today - timedelta(days=int(preset[:-1]) - 1), today, preset


def _date(raw: Any, name: str, errors: dict) -> date | None:
    try:
        value = parse_date(str(raw))
    except ValueError:
        value = None
    if value is None or moment_problem(value):
        errors[name] = ["Enter a date as YYYY-MM-DD, in the years 1900–2200."]
        return None
    return value


def _first_day(user: Any, today: date) -> date:
    first = cases_visible_to(user).aggregate(first=Min("created_at"))["first"]
    return timezone.localtime(first).date() if first else today


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
