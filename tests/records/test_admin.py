"""The admin shows managers the retention rules (seeded) and the audit rows."""

import pytest

pytestmark = pytest.mark.django_db


def test_managers_see_the_seeded_retention_rules(manager_client):
    response = manager_client.get("/admin/records/retentionrule/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "fca_payments" in page and "investment" in page
    assert manager_client.get("/admin/records/subjectaccessexport/").status_code == 200


def test_agents_do_not(agent_client):
    response = agent_client.get("/admin/records/retentionrule/")
    assert response.status_code == 302
