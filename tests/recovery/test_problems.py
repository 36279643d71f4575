"""Problems (the iceberg): the threshold opens one, later cases join, managers hear once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from complaints.models import Category, EventKind, RootCause
from complaints.services import case_update
from notifications.models import Notification, NotificationKind, Outbox
from service_recovery.models import Problem, ProblemStatus
from service_recovery.problems import problem_act, problem_close, problem_effect
from tests.factories import CaseFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kettles(team):
    return Category.objects.create(name="Kettles", slug="kettles", default_team=team)


@pytest.fixture
def managers(db):
    made = []
    for name in ("boss1", "boss2"):
        user = StaffFactory(role="manager", username=name)
        user.email = f"{name}@example.com"
        user.save(update_fields=["email"])
        made.append(user)
    return made


@pytest.fixture
def file(agent, django_capture_on_commit_callbacks):
    """File a case and run what its commit sets off (the problem check)."""

    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return CaseFactory.file(by=agent, **kwargs)

    return make


def test_four_cases_of_a_category_open_no_problem_the_fifth_opens_one(
    file, kettles, managers
):
    cases = [file(category=kettles) for _ in range(4)]
    assert not Problem.objects.exists()

    cases.append(file(category=kettles))

    problem = Problem.objects.get()
    assert problem.status == ProblemStatus.OPEN
    assert problem.key == f"category:{kettles.pk}"
    assert {c.pk for c in problem.cases.all()} == {c.pk for c in cases}
    for case in cases:
        linked = case.events.filter(kind=EventKind.PROBLEM_LINKED).get()
        assert linked.data["problem_id"] == problem.pk
        assert linked.data["opened"] == (case.pk == cases[-1].pk)


def test_managers_are_told_once_in_app_and_by_email(file, kettles, managers):
    for _ in range(7):
        file(category=kettles)

    notes = Notification.objects.filter(kind=NotificationKind.PROBLEM_OPENED)
    assert sorted(n.recipient_id for n in notes) == sorted(m.pk for m in managers)
    emails = Outbox.objects.filter(key__startswith="problem:")
    assert sorted(e.to for e in emails) == sorted(m.email for m in managers)
    assert "Kettles" in emails[0].subject
    assert len(Problem.objects.get().cases.all()) == 7


def test_later_cases_join_the_open_problem(file, kettles, managers):
    for _ in range(5):
        file(category=kettles)
    late = file(category=kettles)

    assert Problem.objects.count() == 1
    assert Problem.objects.get().cases.filter(pk=late.pk).exists()


def test_cases_outside_the_window_do_not_count(file, kettles, managers):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        for _ in range(3):
            file(category=kettles)
    for _ in range(4):
        file(category=kettles)
    assert not Problem.objects.exists()
    file(category=kettles)
    assert Problem.objects.get().cases.count() == 5


def test_the_product_splits_a_category(file, kettles, managers):
    for _ in range(3):
        file(category=kettles, metadata={"product": "K1"})
    for _ in range(3):
        file(category=kettles, metadata={"product": "K2"})
    assert not Problem.objects.exists()
    for _ in range(2):
        file(category=kettles, metadata={"product": "K1"})
    problem = Problem.objects.get()
    assert problem.key == f"category:{kettles.pk}:product:K1"
    assert problem.cases.count() == 5


def test_a_root_cause_set_later_opens_a_problem_across_categories(
    file, agent, managers, django_capture_on_commit_callbacks, settings
):
    settings.PROBLEM_THRESHOLD = 3
    cause = RootCause.objects.create(name="Courier drops parcels", slug="courier")
    cases = [file() for _ in range(3)]
    for case in cases:
        with django_capture_on_commit_callbacks(execute=True):
            case_update(case=case, root_cause=cause, by=agent)
    problem = Problem.objects.get()
    assert problem.key == f"root_cause:{cause.pk}"
    assert problem.cases.count() == 3


def test_a_closed_problem_lets_a_new_one_open(file, kettles, managers, manager):
    for _ in range(5):
        file(category=kettles)
    problem_close(problem=Problem.objects.get(), by=manager)
    file(category=kettles)  # still five within the window: a new problem
    assert Problem.objects.filter(status=ProblemStatus.OPEN).count() == 1
    assert Problem.objects.count() == 2


def test_the_effect_compares_cases_before_and_after_the_first_action(
    file, kettles, managers, manager
):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=2)):
        for _ in range(6):
            file(category=kettles)
    problem = Problem.objects.get()
    assert problem_effect(problem)["worked"] is None
    with time_machine.travel(start):
        problem_act(problem=problem, text="Changed the kettle supplier", by=manager)
    with time_machine.travel(start + timedelta(days=1)):
        file(category=kettles)
        assert problem_effect(problem)["worked"] is None  # too early to say
    effect = problem_effect(problem, now=start + timedelta(days=8))
    assert (effect["before"], effect["after"], effect["worked"]) == (6, 1, True)
