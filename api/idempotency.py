"""`Idempotency-Key` for creates: one outcome per key, whatever the retries.

The key's row is inserted in the same transaction as what the request creates,
under a unique constraint on (caller, key). So:

- a replay after the first request committed finds the row and gets the stored
  response again, with `Idempotent-Replayed: true`;
- the same key with a different body (a different SHA-256 of the canonical JSON)
  is 422;
- a retry that arrives while the first is still in flight blocks on the unique
  index until the first commits (then it replays) or rolls back (then it runs);
  on PostgreSQL it waits at most `IDEMPOTENCY_WAIT_SECONDS`, then gets 409 with
  `Retry-After` — never a second case;
- keys expire after 24 hours: an older row is deleted and the key runs afresh.

Only successful creates are stored; a refused request stores nothing, so the
client may correct it and retry with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from rest_framework.response import Response

from complaints.bounds import text_problem
from config.rows import row_sql, saved

from .authentication import ServiceClient
from .errors import Conflict, Unprocessable
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def wait_seconds() -> float:
    return float(getattr(settings, "API_IDEMPOTENCY_WAIT_SECONDS", 5))


def owner_of(request) -> str:
    """Scope keys to the caller: the API key if any, else the session's user."""
    if isinstance(request.user, ServiceClient):
        return f"client:{request.user.client.pk}"
    client = getattr(request.auth, "pk", None)
    if client is not None and hasattr(request.auth, "prefix"):
        return f"client:{client}"
    return f"user:{request.user.pk}"


def body_hash(data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(request, create: Callable[[], Response]) -> Response:
    """Run `create()` once per Idempotency-Key; without the header just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return create()
    if not key.strip() or len(key) > MAX_KEY_LENGTH or text_problem(key, None):
        raise Unprocessable(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters, without NUL."
        )
    owner, digest = owner_of(request), body_hash(request.data)
    for _attempt in range(2):
        try:
            return _run_once(owner, key, digest, create)
        except IntegrityError:
            stored = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if stored is None:
            continue  # the first request rolled back meanwhile: run it ourselves
        if stored.created_at < timezone.now() - TTL:
            IdempotencyKey.objects.filter(pk=stored.pk).delete()
            continue
        return _replay(stored, digest)
    raise Conflict("That Idempotency-Key is in use by another request; retry later.")


def _run_once(owner: str, key: str, digest: str, create) -> Response:
    with transaction.atomic():
        # No savepoint: either failure (a committed twin's IntegrityError, a
        # lock wait past the limit) leaves this transaction, rolling it back.
        record = IdempotencyKey(
            owner=owner,
            key=key,
            body_hash=digest,
            response_status=0,
            response_body={},
            created_at=timezone.now(),
        )
        try:
            _claim(record)
        except OperationalError:
            exc = Conflict(
                "A request with this Idempotency-Key is still in flight; retry later."
            )
            exc.retry_after = 1
            raise exc from None
        response = create()
        if response.status_code >= 300:
            transaction.set_rollback(True)
            return response
        _store(record, response)
    return response


def _store(record: IdempotencyKey, response: Response) -> None:
    """Keep the response on the key's row (its body as JSON: what a replay sends)."""
    headers = {
        name: response[name] for name in ("Location", "ETag") if name in response
    }
    body = json.dumps(response.data, default=str)
    if connection.vendor != "postgresql":
        record.response_status = response.status_code
        record.response_body = json.loads(body)
        record.response_headers = headers
        record.save(
            update_fields=["response_status", "response_body", "response_headers"]
        )
        return
    table = connection.ops.quote_name(IdempotencyKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET response_status = %s, "  # noqa: S608 - model name
            "response_body = %s::jsonb, response_headers = %s::jsonb WHERE id = %s",
            [response.status_code, body, json.dumps(headers), record.pk],
        )


def _claim(record: IdempotencyKey) -> None:
    """Insert the key's row, waiting at most `wait_seconds()` for a twin's.

    Waiting on another transaction's uncommitted insert of the same key is a
    lock wait; on PostgreSQL it is bounded (one round trip with the insert),
    so a stuck first request yields a 409, not a hang.
    """
    if connection.vendor != "postgresql":
        record.save(force_insert=True)
        return
    columns, values, params = row_sql(record)
    table = connection.ops.quote_name(IdempotencyKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, true); "  # noqa: S608 - model names
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(values)}) RETURNING id",
            [f"{int(wait_seconds() * 1000)}ms", *params],
        )
        saved([record], [cursor.fetchone()[0]])


def _replay(stored: IdempotencyKey, digest: str) -> Response:
    if stored.body_hash != digest:
        raise Unprocessable(
            "This Idempotency-Key was used with a different request body."
        )
    response = Response(stored.response_body, status=stored.response_status)
    for name, value in stored.response_headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response
