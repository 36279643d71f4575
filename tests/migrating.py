"""Moving the test database between migrations, for the tests of a migration.

`migrate(targets)` applies or unapplies up to the given (app, migration)
pairs; the `latest_schema` fixture brings every app back to its newest
migration after the test: going back unapplies everything built on the
target (the search document among others), which later tests need.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture
def latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
