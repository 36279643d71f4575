"""Ten filings at once that all cross the threshold still open exactly one problem.

Each thread files through `case_file` on its own PostgreSQL connection; the
problem check runs after each commit, as in production.
"""

import pytest

from complaints.models import Category
from notifications.models import Notification, NotificationKind
from service_recovery.models import Problem
from tests.factories import CaseFactory, StaffFactory
from tests.unit.test_concurrency import race, split

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_concurrent_filings_open_one_problem_and_link_all(team, agent, settings):
    settings.PROBLEM_THRESHOLD = 5
    manager = StaffFactory(role="manager")
    kettles = Category.objects.create(name="Kettles", slug="kettles", default_team=team)

    results = race([lambda: CaseFactory.file(category=kettles, by=agent)] * 10)

    cases, errors = split(results)
    assert not errors
    problem = Problem.objects.get()
    assert {c.pk for c in problem.cases.all()} == {c.pk for c in cases}
    told = Notification.objects.filter(kind=NotificationKind.PROBLEM_OPENED)
    assert list(told.values_list("recipient_id", flat=True)) == [manager.pk]
    opened = [
        e
        for c in cases
        for e in c.events.filter(kind="problem_linked")
        if e.data["opened"]
    ]
    assert len(opened) == 1
