"""Every state change names who acts: a missing actor is refused, never "system"."""

import pytest

from complaints.actors import Actor, as_actor
from complaints.models import EventKind
from complaints.services import case_escalate, case_file
from complaints.timeline import record_event
from tests.factories import CustomerFactory


def test_the_system_names_the_task_or_command_it_acts_in():
    actor = Actor.system("process_due")

    assert (actor.label, actor.is_system) == ("system:process_due", True)
    assert not Actor.customer().is_system
    assert not Actor.of_client("shop").is_system


@pytest.mark.parametrize("name", ["", "   "])
def test_an_unnamed_system_actor_is_refused(name):
    with pytest.raises(ValueError):
        Actor.system(name)


@pytest.mark.parametrize("by", [None, object()])
def test_a_missing_or_unknown_actor_is_refused(by):
    with pytest.raises(TypeError):
        as_actor(by)


@pytest.mark.django_db
def test_filing_without_an_actor_is_refused_and_files_nothing():
    from complaints.models import Case

    with pytest.raises(TypeError):
        case_file(customer=CustomerFactory(), subject="s", description="d")
    with pytest.raises(TypeError):
        case_file(customer=CustomerFactory(), subject="s", description="d", by=None)
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_escalating_and_recording_need_an_actor(make_case):
    case = make_case("new")

    with pytest.raises(TypeError):
        case_escalate(case=case, level=1)
    with pytest.raises(TypeError):
        record_event(case, EventKind.ESCALATED, by=None)
    case.refresh_from_db()
    assert case.escalation_level == 0
