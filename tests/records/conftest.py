"""Fixtures of the records tests: the page and API clients of the other suites."""

from tests.api.conftest import _fresh_throttles, api_as, key_for  # noqa: F401
from tests.web.conftest import (  # noqa: F401
    agent_client,
    fresh_cache,
    manager_client,
    other_agent,
    other_client,
)
