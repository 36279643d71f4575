"""Two notify calls at once on one incident email each customer once (PostgreSQL)."""

import pytest

from notifications.models import Outbox
from service_recovery.incidents import (
    incident_create,
    incident_link_customers,
    incident_notify,
)
from service_recovery.models import IncidentNotice
from tests.factories import CustomerFactory
from tests.unit.test_concurrency import race, split

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_notify_calls_at_once_send_each_customer_one_email(manager):
    incident = incident_create(
        title="Outage", customer_message="We were down; sorry.", by=manager
    )
    customers = [CustomerFactory() for _ in range(8)]
    incident_link_customers(incident=incident, customers=customers, by=manager)

    results = race([lambda: incident_notify(incident=incident, by=manager)] * 2)

    counts, errors = split(results)
    assert not errors
    assert sorted(counts) == [0, 8]
    assert IncidentNotice.objects.count() == 8
    keys = list(
        Outbox.objects.filter(key__startswith="incident:").values_list("key", flat=True)
    )
    assert len(keys) == len(set(keys)) == 8
