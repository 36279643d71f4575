"""Statutory clock arithmetic: when each clock of a regime falls due.

Rules (REGULATIONS.md, "Clocks, in one sentence each"): clocks run from the
receipt and never pause; business days come from the regime's calendar (its
country's bank holidays from the `holidays` package, weekends off); calendar
days and weeks count every day; a deadline ends at the close of business or at
the end of its day, in the regime's time zone. FCA DISP 1.5.1R: "by the close
of business on the third business day following the day on which it is
received"; DISP 1.6.2R: "by the end of eight weeks after its receipt".
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

WEEKEND = (5, 6)
END_OF_DAY = time(23, 59, 59)


@functools.lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return frozenset(found.keys())


@dataclass(frozen=True)
class RegimeCalendar:
    """The business days and hours of a regime version."""

    country: str
    subdivision: str
    tz: str
    close: time
    after_close_next_day: bool = False

    @classmethod
    def of(cls, regime: Any) -> "RegimeCalendar":
        close = regime.close_of_business
        if isinstance(close, str):
            close = time.fromisoformat(close)
        return cls(
            country=regime.country,
            subdivision=regime.subdivision,
            tz=regime.time_zone,
            close=close,
            after_close_next_day=regime.after_close_next_day,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def is_business_day(self, day: date) -> bool:
        if day.weekday() in WEEKEND:
            return False
        return day not in _holidays(self.country, self.subdivision, day.year)

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`th business day after `day` (`day` itself never counts)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count -= 1
        return day

    def day_of_receipt(self, received_at: datetime) -> date:
        """The local day receipt counts from (the next business day after hours,
        when the regime says so)."""
        local = received_at.astimezone(self.zone)
        day = local.date()
        if self.after_close_next_day and (
            not self.is_business_day(day) or local.time() >= self.close
        ):
            day = self.add_business_days(day, 1)
        return day

    def at(self, day: date, moment: time) -> datetime:
        """An aware instant at local `moment` on `day`."""
        return datetime.combine(day, moment, tzinfo=self.zone)

    def local_end(self, day: date, ends: str) -> datetime:
        return self.at(day, self.close if ends == "close_of_business" else END_OF_DAY)


def due_at(
    spec: dict[str, Any], received_at: datetime, cal: RegimeCalendar
) -> datetime:
    """When a clock `spec` (`amount`, `unit`, `ends`) falls due after receipt.

    The count starts the day after the day of receipt: the Nth business day
    after it, or N calendar days / N weeks later.
    """
    amount = int(spec["amount"])
    unit = spec.get("unit", "calendar_days")
    day = cal.day_of_receipt(received_at)
    if unit == "business_days":
        last = cal.add_business_days(day, amount)
    elif unit == "weeks":
        last = day + timedelta(weeks=amount)
    elif unit == "calendar_days":
        last = day + timedelta(days=amount)
    else:
        raise ValueError(f"unknown clock unit {unit!r}")
    return cal.local_end(last, spec.get("ends", "end_of_day"))


def warn_at(spec: dict[str, Any], received_at: datetime, due: datetime) -> datetime:
    """When to warn: `warn_days` (default 2) calendar days before due, not before
    receipt."""
    return max(received_at, due - timedelta(days=int(spec.get("warn_days", 2))))


def add_months(moment: datetime, months: int, cal: RegimeCalendar) -> datetime:
    """The end of the local day `months` after `moment` (clamped to month end)."""
    local = moment.astimezone(cal.zone).date()
    month = local.month - 1 + months
    year, month = local.year + month // 12, month % 12 + 1
    for day in range(local.day, 0, -1):
        try:
            return cal.at(date(year, month, day), END_OF_DAY)
        except ValueError:
            continue
    raise ValueError("no such month")
