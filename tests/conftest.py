"""Shared fixtures: services detection, staff, customers, cases in any stage.

Tests marked `services` need PostgreSQL (DATABASE_URL) and/or Redis (REDIS_URL);
without them they are skipped with a reason, unless REQUIRE_SERVICES=1, which
turns a missing service into a failure. `browser` tests likewise need
/usr/bin/chromium, required when REQUIRE_BROWSER=1.
"""

import os
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import CaseFactory, StaffFactory, attachment_settings

CHROMIUM = Path("/usr/bin/chromium")


def _require(flag: str) -> bool:
    return os.environ.get(flag, "") == "1"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Run every `slow` test (processes, fixed ports) on one xdist worker, in turn."""
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("serial"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("REQUIRE_SERVICES", "needs PostgreSQL: set DATABASE_URL")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("REQUIRE_SERVICES", "needs Redis: set REDIS_URL")
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        _missing("REQUIRE_BROWSER", "needs Chromium at /usr/bin/chromium")


def _missing(flag: str, reason: str) -> None:
    if _require(flag):
        pytest.fail(f"{reason} ({flag}=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _static_files_found_once():
    """Share WhiteNoise's list of static files between test clients.

    Each test client builds the middleware chain anew on its first request,
    and WhiteNoise walks every static file of every app there
    (WHITENOISE_USE_FINDERS): some 40 ms per client, which the access matrix
    alone paid nine thousand times. The files do not change during a run, so
    the first middleware's findings serve the rest under the same settings.
    """
    from django.conf import settings as django_settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.__init__
    found: dict[tuple, dict] = {}

    def __init__(self, get_response=None, settings=django_settings):
        key = (
            settings.DEBUG,
            str(settings.STATIC_ROOT),
            settings.STATIC_URL,
            repr(settings.STORAGES),
            *(
                repr(getattr(settings, name, None))
                for name in dir(settings)
                if name.startswith("WHITENOISE_")
            ),
        )
        if key in found:
            self.__dict__.update(found[key])
            self.get_response = get_response
            return
        original(self, get_response, settings)
        found[key] = {k: v for k, v in self.__dict__.items() if k != "get_response"}

    WhiteNoiseMiddleware.__init__ = __init__
    yield
    WhiteNoiseMiddleware.__init__ = original


@pytest.fixture(autouse=True)
def _fresh_memos():
    """Start and end every test with empty process memos (`config.memo`): a row
    a test's rollback removed must not be served to the next test."""
    from config.memo import memos_clear

    memos_clear()
    yield
    memos_clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hash test passwords with MD5: the real hasher costs seconds per user here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    from teams.models import Team

    return Team.objects.create(name="Care", slug="care")


@pytest.fixture
def other_team(db):
    from teams.models import Team

    return Team.objects.create(name="Billing", slug="billing")


@pytest.fixture
def agent(team):
    return StaffFactory(role="agent", teams=[team])


@pytest.fixture
def lead(team):
    return StaffFactory(role="team_lead", teams=[team])


@pytest.fixture
def manager(db):
    return StaffFactory(role="manager")


@pytest.fixture
def make_case(team, agent):
    """Return a function that files a case and drives it to a stage."""

    def make(stage: str = "new", **kwargs):
        kwargs.setdefault("team", team)
        kwargs.setdefault("by", agent)
        return CaseFactory.in_stage(stage, **kwargs)

    return make


@pytest.fixture(autouse=True)
def attachment_dir(settings, tmp_path):
    """Store attachments in a fresh directory, never var/attachments/ (every
    test: filing by email or the form may store files)."""
    location = tmp_path / "attachments"
    for name, value in attachment_settings(location).items():
        setattr(settings, name, value)
    return location
