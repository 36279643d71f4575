"""Django's PostgreSQL backend, its connection health check asking the socket first.

With `CONN_HEALTH_CHECKS` (config.settings: workers must survive a database
restart), Django checks a kept connection before its first use in each
request, and its check is a query: `SELECT 1`, one more round trip on every
request (a filing's fifth). A connection that sits idle between requests has
nothing to read: when the server ends it (a restart, an administrator's
`pg_terminate_backend`, an idle timeout) it sends its goodbye and closes the
socket, which then reads as ready. So an idle connection whose socket has
nothing waiting is usable without asking; one with something waiting, in a
transaction, or of unknown state gets Django's own check.
"""

import select

from django.db.backends.postgresql import base, operations
from django.db.models.expressions import Col

INTEGERS = {"smallint", "integer", "bigint"}

IDLE = 0  # libpq's PQTRANS_IDLE (psycopg2 and psycopg 3 alike)


class DatabaseOperations(operations.DatabaseOperations):
    def prepare_join_on_clause(self, lhs_table, lhs_field, rhs_table, rhs_field):
        """Integer keys of two widths (a four-byte key of the dashboards' facts
        against a case's eight-byte one) join as they are: PostgreSQL compares
        integers across widths through either side's index, which Django's
        cast of one side would hide (a scan of the whole table instead)."""
        db_types = {f.db_type(self.connection) for f in (lhs_field, rhs_field)}
        if db_types <= INTEGERS:
            return Col(lhs_table, lhs_field), Col(rhs_table, rhs_field)
        return super().prepare_join_on_clause(
            lhs_table, lhs_field, rhs_table, rhs_field
        )


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status == IDLE and not _waiting(connection):
            return True
        return super().is_usable()


def _waiting(connection) -> bool:
    """Whether the server has sent anything (or closed) since the last answer."""
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
