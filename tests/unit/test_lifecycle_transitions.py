"""The transition table (CONTRACT §4), move by move.

Every (from, to) pair is tried with nothing carried and must report exactly
the unmet prerequisites; then every allowed move is made with what it needs.
The cases come from `make_case`, which walks them there through the real
lifecycle, so each one has just entered its stage and lacks its exit needs.
"""

import pytest

from complaints import lifecycle
from complaints.exceptions import TransitionRefused
from complaints.models import STAGE_ORDER, Case
from complaints.services import case_assign

pytestmark = pytest.mark.django_db


N, L, A, RG, RD, F, C = STAGE_ORDER
SKIP_SCHEDULED = ["skip_reason", "follow_up_scheduled"]

# What each pair reports when the move carries nothing at all.
REFUSED_EMPTY: dict[tuple[str, str], list[str]] = {
    (N, N): ["valid_move"],
    (N, L): ["assignee"],
    (N, A): ["skip_reason", "assignee", "apology"],
    (N, RG): ["skip_reason", "assignee"],
    (N, RD): ["skip_reason", "assignee", "resolution_summary"],
    (N, F): ["skip_reason", "assignee", "follow_up_scheduled"],
    (N, C): ["skip_reason", "assignee", "close_reason"],
    (L, N): ["valid_move"],
    (L, L): ["valid_move"],
    (L, A): ["customer_account", "restatement", "apology"],
    (L, RG): ["skip_reason"],
    (L, RD): ["skip_reason", "resolution_summary"],
    (L, F): SKIP_SCHEDULED,
    (L, C): ["skip_reason", "close_reason"],
    (A, N): ["valid_move"],
    (A, L): ["valid_move"],
    (A, A): ["valid_move"],
    (A, RG): ["desired_outcome"],
    (A, RD): ["skip_reason", "resolution_summary"],
    (A, F): SKIP_SCHEDULED,
    (A, C): ["skip_reason", "close_reason"],
    (RG, N): ["valid_move"],
    (RG, L): ["valid_move"],
    (RG, A): ["valid_move"],
    (RG, RG): ["valid_move"],
    (RG, RD): ["accepted_resolution", "resolution_summary"],
    (RG, F): SKIP_SCHEDULED,
    (RG, C): ["skip_reason", "close_reason"],
    (RD, N): ["valid_move"],
    (RD, L): ["reason"],
    (RD, A): ["valid_move"],
    (RD, RG): ["valid_move"],
    (RD, RD): ["valid_move"],
    (RD, F): ["follow_up_or_refusal"],
    (RD, C): ["close_reason"],  # closing here is the refusal of follow-up
    (F, N): ["valid_move"],
    (F, L): ["reason"],
    (F, A): ["valid_move"],
    (F, RG): ["valid_move"],
    (F, RD): ["valid_move"],
    (F, F): ["valid_move"],
    (F, C): ["follow_ups_finished", "close_reason"],
    (C, N): ["open_case"],
    (C, L): ["reason"],
    (C, A): ["open_case"],
    (C, RG): ["open_case"],
    (C, RD): ["open_case"],
    (C, F): ["open_case"],
    (C, C): ["open_case"],
}

OPEN = [s for s in STAGE_ORDER if s != C]


def refused(case: Case, to: str, by, **fields) -> list[str]:
    with pytest.raises(TransitionRefused) as caught:
        lifecycle.transition(case, to, by=by, **fields)
    return caught.value.missing


def test_the_table_covers_every_pair_of_stages():
    assert set(REFUSED_EMPTY) == {(a, b) for a in STAGE_ORDER for b in STAGE_ORDER}


@pytest.mark.parametrize(("start", "to"), sorted(REFUSED_EMPTY))
def test_a_move_carrying_nothing_reports_exactly_what_it_lacks(
    make_case, agent, start, to
):
    case = make_case(start)
    events, version = case.events.count(), case.version

    assert refused(case, to, agent) == REFUSED_EMPTY[(start, to)]

    case.refresh_from_db()
    assert (case.stage, case.version, case.events.count()) == (start, version, events)


@pytest.mark.parametrize("start", [N, RD, C])
@pytest.mark.parametrize("to", ["bogus", "", None, "CLOSED"])
def test_an_unknown_stage_is_refused_as_invalid(make_case, agent, start, to):
    assert refused(make_case(start), to, agent) == ["valid_stage"]


def test_a_refused_move_keeps_none_of_the_fields_it_carried(make_case, agent):
    case = make_case(L)

    refused(case, A, agent, customer_account="It broke.", restatement="So it broke.")

    case.refresh_from_db()
    assert (case.customer_account, case.restatement) == ("", "")


def test_blank_text_does_not_count_as_a_prerequisite(make_case, agent):
    case = make_case(L)

    missing = refused(
        case, A, agent, customer_account="  ", restatement="\n", apology=" \t "
    )

    assert missing == ["customer_account", "restatement", "apology"]


# --- every forward move, with what it needs -------------------------------


def test_new_to_listening_with_an_assignee(make_case, agent):
    case = case_assign(case=make_case(N), assignee=agent, by=agent)

    case = lifecycle.transition(case, L, by=agent)

    assert case.stage == L
    event = case.events.filter(kind="stage_changed").get()
    assert (event.before, event.after, event.data["move"]) == (N, L, "forward")
    assert event.actor == agent and event.actor_label == agent.username


def test_listening_to_acknowledged_sends_the_apology_as_first_response(
    make_case, agent
):
    case = lifecycle.transition(
        make_case(L),
        A,
        by=agent,
        customer_account="The courier left it in the rain.",
        restatement="So what you are saying is the parcel was soaked.",
        apology="We are truly sorry. Will you accept our apology?",
    )

    assert case.stage == A
    assert case.customer_account == "The courier left it in the rain."
    apology = case.messages.get()
    assert (apology.kind, apology.visibility) == ("apology", "customer")
    assert case.first_response_at == apology.created_at
    edited = case.events.get(kind="case_edited")
    assert edited.before == {"customer_account": "", "restatement": ""}


@pytest.mark.parametrize(
    "fields",
    [
        {"desired_outcome": "A full refund."},
        {"desired_outcome_declined": True},
    ],
)
def test_acknowledged_to_resolving_with_an_outcome_or_its_refusal(
    make_case, agent, fields
):
    case = lifecycle.transition(make_case(A), RG, by=agent, **fields)

    assert case.stage == RG


@pytest.mark.parametrize(
    ("kind", "moves", "ok"),
    [
        ("apology_only", ["accept"], True),
        ("refund", ["accept", "fulfil"], True),
        ("replacement", ["accept", "fulfil"], True),
        ("refund", ["accept"], False),
        ("apology_only", [], False),
        ("replacement", ["decline"], False),
    ],
)
def test_resolving_to_resolved_needs_a_fulfilled_or_apology_only_acceptance(
    make_case, agent, kind, moves, ok
):
    case = make_case(RG)
    money = {"amount": "20.00", "currency": "GBP"} if kind == "refund" else {}
    offer = lifecycle.offer_make(case=case, kind=kind, by=agent, **money)
    for move in moves:
        getattr(lifecycle, f"offer_{move}")(offer=offer, by=agent)

    if ok:
        case = lifecycle.transition(case, RD, by=agent, resolution_summary="Done.")
        assert (case.stage, case.resolution_summary) == (RD, "Done.")
        assert case.resolved_at is not None
    else:
        missing = refused(case, RD, agent, resolution_summary="Done.")
        assert missing == ["accepted_resolution"]


def test_resolved_to_closed_with_no_follow_up_records_the_refusal(make_case, agent):
    case = lifecycle.transition(make_case(RD), C, by=agent, close_reason="no_follow_up")

    assert (case.stage, case.close_reason, case.follow_up_refused) == (
        C,
        "no_follow_up",
        True,
    )
    assert case.closed_at is not None and case.skipped_steps == 0
    event = case.events.filter(kind="stage_changed").last()
    assert event.data["move"] == "forward"


def test_following_up_closes_once_every_follow_up_is_done(make_case, agent):
    from followups.services import followup_complete

    case = make_case(F)
    assert refused(case, C, agent, close_reason="satisfied") == ["follow_ups_finished"]

    followup_complete(followup=case.followups.get(), outcome="satisfied", by=agent)
    case = lifecycle.transition(case, C, by=agent, close_reason="satisfied")

    assert (case.stage, case.close_reason) == (C, "satisfied")


def test_following_up_closes_once_every_follow_up_is_cancelled(make_case, agent):
    from followups.services import followups_cancel_open

    case = make_case(F)
    followups_cancel_open(case=case, reason="customer moved abroad", by=agent)

    case = lifecycle.transition(case, C, by=agent, close_reason="unsatisfied")

    assert (case.stage, case.close_reason) == (C, "unsatisfied")


@pytest.mark.parametrize("reason", ["", "happy", "WITHDRAWN", ["withdrawn"]])
def test_closing_needs_a_known_close_reason(make_case, agent, reason):
    case = make_case(RD)

    assert refused(case, C, agent, close_reason=reason) == ["close_reason"]


# --- skips ---------------------------------------------------------------

ENTRY = {
    A: {"apology": "We are sorry; will you forgive us?"},
    RG: {},
    RD: {"resolution_summary": "Refunded at the counter."},
    C: {"close_reason": "satisfied"},
}
SKIPS = [
    (start, to)
    for i, start in enumerate(OPEN)
    for to in STAGE_ORDER[i + 2 :]
    if to != F and not (start == RD and to == C)
] + [(RD, C)]


@pytest.mark.parametrize(("start", "to"), SKIPS)
def test_a_forward_skip_with_a_reason_records_the_skipped_steps(
    make_case, agent, start, to
):
    case = make_case(start)
    if start == N:
        case = case_assign(case=case, assignee=agent, by=agent)
    skipped = list(STAGE_ORDER[STAGE_ORDER.index(start) + 1 : STAGE_ORDER.index(to)])

    assert refused(case, to, agent, **ENTRY[to]) == ["skip_reason"]
    case = lifecycle.transition(
        case, to, by=agent, skip_reason="Customer phoned; all agreed.", **ENTRY[to]
    )

    assert case.stage == to
    assert case.skipped_steps == len(skipped)
    event = case.events.filter(kind="stage_changed").last()
    assert event.data["move"] == "skip"
    assert event.data["skipped"] == skipped
    assert event.data["skip_reason"] == "Customer phoned; all agreed."


@pytest.mark.parametrize("start", [N, L, A, RG])
def test_skipping_to_following_up_is_refused_without_a_scheduled_follow_up(
    make_case, agent, start
):
    """Follow-ups are scheduled on a resolved case, so this skip never passes."""
    case = make_case(start)
    if start == N:
        case = case_assign(case=case, assignee=agent, by=agent)

    assert refused(case, F, agent, skip_reason="in a hurry") == ["follow_up_scheduled"]


def test_skipped_steps_add_up_over_several_skips(make_case, agent):
    case = case_assign(case=make_case(N), assignee=agent, by=agent)
    case = lifecycle.transition(case, RG, by=agent, skip_reason="walk-in, sorted")
    case = lifecycle.transition(
        case, C, by=agent, skip_reason="done", close_reason="satisfied"
    )

    assert case.skipped_steps == 2 + 2


def test_the_labels_describe_every_code_the_table_can_report():
    codes = {code for missing in REFUSED_EMPTY.values() for code in missing}
    codes |= {"valid_stage", "duplicate_of", "skip_reason", "reason"}
    codes |= {"no_unfulfilled_offers", "relationship_active"}

    assert codes <= set(lifecycle.LABELS)
    assert lifecycle.describe(["assignee", "made_up_code"]) == [
        "an assignee",
        "made up code",
    ]
