"""Backward and early moves (CONTRACT §4): reopen, and the closes allowed anytime.

`reopen` goes back to listening from resolved, following_up or closed with a
reason; `withdrawn`, `duplicate` and `relationship_ended` close from any open
stage.
"""

import pytest

from complaints import lifecycle
from complaints.exceptions import TransitionRefused
from complaints.models import STAGE_ORDER, Case

pytestmark = pytest.mark.django_db

N, L, A, RG, RD, F, C = STAGE_ORDER
OPEN = [s for s in STAGE_ORDER if s != C]


def refused(case: Case, to: str, by, **fields) -> list[str]:
    with pytest.raises(TransitionRefused) as caught:
        lifecycle.transition(case, to, by=by, **fields)
    return caught.value.missing


# --- reopen --------------------------------------------------------------


@pytest.mark.parametrize("start", [RD, F, C])
def test_reopen_goes_back_to_listening_with_a_reason(make_case, agent, start):
    case = make_case(start)

    case = lifecycle.transition(case, L, by=agent, reason="The heater failed again.")

    assert (case.stage, case.reopen_count) == (L, 1)
    assert (case.close_reason, case.closed_at, case.resolved_at) == ("", None, None)
    event = case.events.filter(kind="stage_changed").last()
    assert (event.before, event.data["move"]) == (start, "reopen")
    assert event.data["reason"] == "The heater failed again."


def test_a_reopened_duplicate_forgets_the_case_it_duplicated(make_case, agent):
    kept, dup = make_case(L), make_case(L)
    dup = lifecycle.transition(
        dup, C, by=agent, close_reason="duplicate", duplicate_of=kept
    )

    dup = lifecycle.transition(dup, L, by=agent, reason="Not the same order after all.")

    assert dup.duplicate_of is None


# --- closes allowed from every open stage --------------------------------


@pytest.mark.parametrize("start", OPEN)
@pytest.mark.parametrize("reason", ["withdrawn", "relationship_ended"])
def test_withdrawn_and_relationship_ended_close_from_every_open_stage(
    make_case, agent, start, reason
):
    case = make_case(start)

    case = lifecycle.transition(
        case, C, by=agent, close_reason=reason, reason="Moved abroad for good."
    )

    assert (case.stage, case.close_reason) == (C, reason)
    assert case.skipped_steps == 0
    assert not case.followups.filter(status="scheduled").exists()
    event = case.events.filter(kind="stage_changed").last()
    assert event.data["move"] == "close_any"


@pytest.mark.parametrize("start", OPEN)
def test_a_duplicate_closes_from_every_open_stage_naming_the_kept_case(
    make_case, agent, start
):
    kept, case = make_case(N), make_case(start)

    assert refused(case, C, agent, close_reason="duplicate") == ["duplicate_of"]
    assert refused(case, C, agent, close_reason="duplicate", duplicate_of=case) == [
        "duplicate_of"
    ]
    assert refused(
        case, C, agent, close_reason="duplicate", duplicate_of=kept.reference
    ) == ["duplicate_of"]
    case = lifecycle.transition(
        case, C, by=agent, close_reason="duplicate", duplicate_of=kept
    )

    assert (case.stage, case.duplicate_of) == (C, kept)
    event = case.events.filter(kind="stage_changed").last()
    assert event.data["duplicate_of"] == kept.reference


@pytest.mark.parametrize("reason", ["withdrawn", "duplicate", "relationship_ended"])
def test_closing_a_closed_case_is_refused_as_not_open(make_case, agent, reason):
    kept, case = make_case(N), make_case(C)

    missing = refused(case, C, agent, close_reason=reason, duplicate_of=kept)

    assert missing == ["open_case"]


def test_ending_the_relationship_waits_for_a_reason_and_accepted_offers(
    make_case, agent
):
    """Other open cases no longer block: the relationship end closes them too."""
    case = make_case(RG)
    lifecycle.offer_accept(
        offer=lifecycle.offer_make(case=case, kind="replacement", by=agent), by=agent
    )
    make_case(L, customer=case.customer)

    missing = refused(case, C, agent, close_reason="relationship_ended")

    assert missing == ["reason", "no_unfulfilled_offers"]


def test_reopening_cancels_the_follow_ups_still_scheduled(make_case, agent):
    """A reopened case is heard again; no reminder should ask how happy they are."""
    case = make_case(F)
    assert case.followups.filter(status="scheduled").count() == 1

    case = lifecycle.transition(case, L, by=agent, reason="Called back: still broken.")

    assert not case.followups.filter(status="scheduled").exists()
    assert case.events.filter(kind="followups_cancelled").count() == 1
