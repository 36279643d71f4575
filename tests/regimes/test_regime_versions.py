"""Regimes are versioned data: a version in force is never edited in place."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from regimes.models import Regime
from regimes.selectors import regime_version
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_version_in_force_refuses_an_edit():
    fca = regime_version(code="fca")
    fca.name = "Edited"
    with pytest.raises(ValueError, match="never edited"):
        fca.save()
    assert regime_version(code="fca").name != "Edited"


def test_a_later_version_replaces_it_from_its_date():
    current = regime_version(code="fca")
    tomorrow = timezone.localdate() + timedelta(days=1)
    later = Regime.objects.create(
        code="fca",
        name="FCA, motor finance extension",
        effective_from=tomorrow,
        clocks=current.clocks,
        letters=current.letters,
    )
    assert regime_version(code="fca") == current
    assert regime_version(code="fca", on=tomorrow) == later
    later.name = "A future version may still be corrected"
    later.save()


def test_the_admin_refuses_to_save_over_a_version_in_force():
    manager = StaffFactory(role="manager")
    client = Client()
    client.force_login(manager)
    fca = regime_version(code="fca")
    url = f"/admin/regimes/regime/{fca.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "fca", "name": "Edited"})
    assert response.status_code == 302
    fca.refresh_from_db()
    assert fca.name != "Edited"


def test_agents_never_reach_regimes_in_the_admin(team):
    agent = StaffFactory(role="agent", teams=[team])
    client = Client()
    client.force_login(agent)
    response = client.get("/admin/regimes/regime/")
    assert response.status_code in (302, 403)


def test_every_shipped_regime_is_in_force_today():
    codes = {"fca", "fca_payments", "asic", "cfpb", "none"}
    assert {
        r.code for r in Regime.objects.filter(effective_from__lte=date.today())
    } == codes
