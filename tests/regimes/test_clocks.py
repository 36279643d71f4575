"""Statutory clocks of each shipped regime, from awkward receipts (hand-computed).

Receipts: a Friday evening, the eve of a bank holiday (24 December 2026: in
England 25 and 28 December are bank holidays, Boxing Day falling on a
Saturday), across a daylight-saving change, and at the end of February.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from regimes.clocks import RegimeCalendar, add_months, due_at
from regimes.selectors import regime_version

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
NEW_YORK = ZoneInfo("America/New_York")


def dues(code: str, received: datetime) -> dict[str, datetime]:
    regime = regime_version(code=code, on=received.date())
    cal = RegimeCalendar.of(regime)
    return {spec["kind"]: due_at(spec, received, cal) for spec in regime.clocks}


def at(zone, *parts) -> datetime:
    return datetime(*parts, tzinfo=zone)


END = (23, 59, 59)

FCA = [
    # Friday evening: the 3rd business day after Friday is Wednesday.
    (
        at(LONDON, 2026, 11, 27, 19, 30),
        at(LONDON, 2026, 12, 2, 17, 0),
        at(LONDON, 2027, 1, 22, *END),
    ),
    # Christmas Eve: 25, 26-27 (weekend), 28 (Boxing Day observed) skipped.
    (
        at(LONDON, 2026, 12, 24, 10, 0),
        at(LONDON, 2026, 12, 31, 17, 0),
        at(LONDON, 2027, 2, 18, *END),
    ),
    # Clocks go forward on 29 March 2026: 17:00 BST is 16:00 UTC.
    (
        at(LONDON, 2026, 3, 27, 12, 0),
        datetime(2026, 4, 1, 16, 0, tzinfo=UTC),
        datetime(2026, 5, 22, 22, 59, 59, tzinfo=UTC),
    ),
    # End of February (2026 is not a leap year).
    (
        at(LONDON, 2026, 2, 27, 9, 0),
        at(LONDON, 2026, 3, 4, 17, 0),
        at(LONDON, 2026, 4, 24, *END),
    ),
]


@pytest.mark.parametrize(("received", "summary", "final"), FCA)
def test_fca_summary_window_and_eight_weeks(db, received, summary, final):
    got = dues("fca", received)
    assert got["summary_resolution"] == summary
    assert got["final_response"] == final


FCA_PAYMENTS = [
    (at(LONDON, 2026, 11, 27, 19, 30), at(LONDON, 2026, 12, 18, *END)),
    # 25 and 28 December and 1 January are bank holidays.
    (at(LONDON, 2026, 12, 24, 10, 0), at(LONDON, 2027, 1, 19, *END)),
    # Across the DST change and Easter (Good Friday 3, Easter Monday 6 April).
    (at(LONDON, 2026, 3, 27, 12, 0), at(LONDON, 2026, 4, 21, *END)),
    (at(LONDON, 2026, 2, 27, 9, 0), at(LONDON, 2026, 3, 20, *END)),
]


@pytest.mark.parametrize(("received", "final"), FCA_PAYMENTS)
def test_fca_payments_fifteen_business_days(db, received, final):
    assert dues("fca_payments", received) == {"final_response": final}


def test_fca_payments_holding_reply_allows_thirty_five_business_days(db):
    regime = regime_version(code="fca_payments", on=datetime(2026, 2, 27).date())
    spec = {**regime.clocks[0], **regime.clocks[0]["extended"]}
    received = at(LONDON, 2026, 2, 27, 9, 0)
    assert due_at(spec, received, RegimeCalendar.of(regime)) == at(
        LONDON, 2026, 4, 21, *END
    )


ASIC = [
    (
        at(SYDNEY, 2026, 11, 27, 19, 30),
        at(SYDNEY, 2026, 11, 30, *END),
        at(SYDNEY, 2026, 12, 27, *END),
    ),
    # Christmas Day, then a weekend (Boxing Day is a Saturday, not observed
    # nationally).
    (
        at(SYDNEY, 2026, 12, 24, 10, 0),
        at(SYDNEY, 2026, 12, 28, *END),
        at(SYDNEY, 2027, 1, 23, *END),
    ),
    # Sydney leaves daylight saving on 5 April 2026: UTC+10 after.
    (
        at(SYDNEY, 2026, 3, 27, 12, 0),
        at(SYDNEY, 2026, 3, 30, *END),
        datetime(2026, 4, 26, 13, 59, 59, tzinfo=UTC),
    ),
    # 14:00 UTC on Friday 27 February is 01:00 on Saturday 28 in Sydney.
    (
        datetime(2026, 2, 27, 14, 0, tzinfo=UTC),
        at(SYDNEY, 2026, 3, 2, *END),
        at(SYDNEY, 2026, 3, 30, *END),
    ),
]


@pytest.mark.parametrize(("received", "ack", "final"), ASIC)
def test_asic_acknowledgement_and_thirty_calendar_days(db, received, ack, final):
    assert dues("asic", received) == {"acknowledgement": ack, "final_response": final}


CFPB = [
    # 19:30 in New York on Friday is already Saturday in UTC: the local day counts.
    (
        at(NEW_YORK, 2026, 11, 27, 19, 30),
        at(NEW_YORK, 2026, 12, 12, *END),
        at(NEW_YORK, 2027, 1, 26, *END),
    ),
    (
        at(NEW_YORK, 2026, 12, 24, 10, 0),
        at(NEW_YORK, 2027, 1, 8, *END),
        at(NEW_YORK, 2027, 2, 22, *END),
    ),
    # Daylight saving starts on 8 March 2026: UTC-4 after.
    (
        at(NEW_YORK, 2026, 3, 1, 12, 0),
        datetime(2026, 3, 17, 3, 59, 59, tzinfo=UTC),
        at(NEW_YORK, 2026, 4, 30, *END),
    ),
    (
        at(NEW_YORK, 2026, 2, 27, 9, 0),
        at(NEW_YORK, 2026, 3, 14, *END),
        at(NEW_YORK, 2026, 4, 28, *END),
    ),
]


@pytest.mark.parametrize(("received", "respond", "final"), CFPB)
def test_cfpb_fifteen_and_sixty_days(db, received, respond, final):
    assert dues("cfpb", received) == {"response": respond, "final_response": final}


def test_none_runs_no_statutory_clock(db):
    assert dues("none", at(LONDON, 2026, 11, 27, 19, 30)) == {}


def test_after_hours_setting_counts_from_the_next_business_day(db):
    regime = regime_version(code="fca", on=datetime(2026, 11, 27).date())
    regime.after_close_next_day = True  # in memory: the old DISP 1.5.3G reading
    cal = RegimeCalendar.of(regime)
    spec = regime.clocks[0]
    # Received Friday 19:30: counted from Monday, so due Thursday.
    assert due_at(spec, at(LONDON, 2026, 11, 27, 19, 30), cal) == at(
        LONDON, 2026, 12, 3, 17, 0
    )
    assert due_at(spec, at(LONDON, 2026, 11, 27, 16, 59), cal) == at(
        LONDON, 2026, 12, 2, 17, 0
    )


def test_referral_window_is_six_months_clamped_to_month_end(db):
    regime = regime_version(code="fca", on=datetime(2026, 8, 31).date())
    cal = RegimeCalendar.of(regime)
    assert add_months(at(LONDON, 2026, 8, 31, 10), 6, cal) == at(
        LONDON, 2027, 2, 28, *END
    )
    assert add_months(at(LONDON, 2026, 12, 1, 10), 6, cal) == at(
        LONDON, 2027, 6, 1, *END
    )


def test_the_version_in_force_at_receipt_is_used(db):
    before = regime_version(code="fca", on=datetime(2026, 5, 31).date())
    after = regime_version(code="fca", on=datetime(2026, 6, 1).date())
    assert before.pk != after.pk
    assert after.letters["acknowledgement"]["required"]
    assert not before.letters["acknowledgement"]["required"]
