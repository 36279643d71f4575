"""The likely-duplicate flag follows edits of the case's text (PATCH subject).

Filing flags a case that reads like another of the same customer; editing its
subject toward that twin sets the flag, editing it away clears it, each change
recorded once on the timeline.
"""

import pytest

from complaints.models import EventKind
from service_recovery.duplicates import duplicate_flag
from tests.factories import CaseFactory, CustomerFactory

pytestmark = pytest.mark.django_db

TEXT = "The vase was in pieces when I opened the box from the courier."
# Enough words of its own that the shared description no longer carries it.
AWAY = (
    "Refund for the lamp I sent back in March never arrived, and my card "
    "statement shows two payments for one order"
)
KINDS = (EventKind.DUPLICATE_SUSPECTED, EventKind.DUPLICATE_CLEARED)


@pytest.fixture
def edit(api_as, agent, django_capture_on_commit_callbacks):
    client = api_as(agent)

    def patch(case, subject: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.patch(
                f"/api/v1/complaints/{case.reference}/",
                {"subject": subject},
                format="json",
            )
        assert response.status_code == 200, response.content

    return patch


def _flags(case) -> list[tuple[str, str]]:
    return [(e.kind, e.data["of"]) for e in case.events.filter(kind__in=KINDS)]


@pytest.fixture
def first(team, agent):
    customer = CustomerFactory()
    return CaseFactory.file(
        customer=customer, subject="Broken vase", description=TEXT, team=team, by=agent
    )


def _file(first, agent, capture, subject: str, description: str):
    with capture(execute=True):
        return CaseFactory.file(
            customer=first.customer,
            subject=subject,
            description=description,
            team=first.team,
            by=agent,
        )


def test_editing_the_text_away_from_its_twin_clears_the_flag(
    first, agent, edit, django_capture_on_commit_callbacks
):
    second = _file(
        first, agent, django_capture_on_commit_callbacks, "Broken vase", TEXT
    )
    assert duplicate_flag(second) == first.reference

    edit(second, "Broken vase")  # unchanged: no event, no refresh
    edit(second, AWAY)

    assert duplicate_flag(second) is None
    assert _flags(second) == [
        ("duplicate_suspected", first.reference),
        ("duplicate_cleared", first.reference),
    ]


def test_editing_toward_a_twin_sets_the_flag(
    first, agent, edit, django_capture_on_commit_callbacks
):
    second = _file(
        first, agent, django_capture_on_commit_callbacks, "Double charge", "Help."
    )
    assert duplicate_flag(second) is None and _flags(second) == []

    edit(second, "Broken vase. " + TEXT)
    assert duplicate_flag(second) == first.reference
    edit(second, "Broken vase! " + TEXT)  # the same twin: nothing new recorded
    assert len(_flags(second)) == 1

    edit(second, AWAY)
    assert duplicate_flag(second) is None
    assert _flags(second)[-1] == ("duplicate_cleared", first.reference)


def test_editing_other_fields_leaves_the_flag_alone(
    first, agent, api_as, django_capture_on_commit_callbacks
):
    second = _file(
        first, agent, django_capture_on_commit_callbacks, "Broken vase", TEXT
    )
    with django_capture_on_commit_callbacks(execute=True):
        api_as(agent).patch(
            f"/api/v1/complaints/{second.reference}/",
            {"priority": "high"},
            format="json",
        )
    assert _flags(second) == [("duplicate_suspected", first.reference)]
