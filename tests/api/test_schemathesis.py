"""Schemathesis against the live schema, in process: no 5xx, no off-schema reply,
every error a problem.

Bounded (a fixed number of examples per operation, derandomized) so the run
is repeatable and stays around a minute.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from config.wsgi import application

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = 20


@schemathesis.check
def errors_are_problems(ctx, response, case):
    """Every 4xx/5xx answer is application/problem+json (CONTRACT §11)."""
    if response.status_code >= 400:
        media = response.headers.get("content-type", [""])[0]
        assert media.startswith("application/problem+json"), (
            f"{case.method} {case.formatted_path} answered {response.status_code} "
            f"as {media!r}"
        )
        assert response.json()["status"] == response.status_code
    assert response.headers.get("cache-control", [""])[0] == "no-store"


# No 5xx, and every reply documented (status, media type, body, headers).
# Not `positive_data_acceptance`: an opaque cursor or a domain refusal (422)
# rejects input a schema cannot describe as invalid.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    errors_are_problems,
]


@pytest.fixture
def keep_test_connection():
    # Outside Django's test client, each WSGI request would close the test's
    # database connection (and with it the test transaction).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_operation_answers_5xx_or_off_schema(
    keep_test_connection, key_for, manager, make_case
):
    make_case("resolving")
    key = key_for(user=manager)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures, fuzzed = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        failures += _fuzz(operation, {"Authorization": f"Token {key}"})
        fuzzed += 1
    assert fuzzed >= 10  # the schema was read: every route was fuzzed
    assert not failures, "\n\n".join(failures[:5])


def _fuzz(operation, headers) -> list[str]:
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except BaseException as exc:  # failures come as an exception group
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.label}: {str(exc)[:2000]}")

    run()
    return failures
