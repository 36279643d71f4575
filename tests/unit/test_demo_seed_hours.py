"""The demo seeds at any hour: a case resolved late on a Friday has its
follow-up scheduled on Monday morning, never due in the past."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import F

from demo.seed import demo_seed
from followups.models import FollowUp

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_when_a_resolution_fell_on_a_friday_evening():
    # At 10:03 UTC on Tuesday 1 December 2026 a demo case is resolved on
    # Friday 27 November at 17:03 and its next step is pushed to Monday's
    # opening: its follow-up (one day after the resolution) was refused.
    demo_seed(now=datetime(2026, 12, 1, 10, 3, tzinfo=UTC))
    assert FollowUp.objects.exists()
    past = FollowUp.objects.filter(due_at__lt=F("created_at") - timedelta(minutes=5))
    assert not past.exists()
