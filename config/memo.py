"""Process caches of rarely changed rows, invalidated in every worker at once.

The filing path reads the same few rows on every request: the caller's API
key, the SLA policy and calendar, the regime in force, the webhook
subscriptions. A `Memo` keeps them in the process; every memo shares one
*generation* token in the shared cache (Redis). Saving or deleting a memoised
model calls `memo_forget` (connected to its signals by the owning app), which
writes a new token now and again when the transaction commits; each process
sees the new token and drops all its memos.

The token is read at most once per HTTP request (and on every use outside a
request: tasks, commands), so a revoked key or an edited policy takes effect
on the next request in every worker. Without a shared cache (the embedded
demo's local-memory cache cannot be seen by other processes) or when the
cache is down, memos are bypassed and every read goes to the database
(`PROCESS_MEMOS`, on with REDIS_URL and in tests, which run in one process).
"""

import logging
import threading
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

T = TypeVar("T")
logger = logging.getLogger(__name__)

TOKEN_KEY = "memo:generation"
MAX_ENTRIES = 2000
"""Entries a memo holds before it starts afresh (keys guessed by callers never
enter: only what the database confirmed is kept)."""

_local = threading.local()
_memos: list["Memo"] = []


def _shared() -> bool:
    return getattr(settings, "PROCESS_MEMOS", False)


def generation() -> str | None:
    """The shared token (None: memos are off for this read)."""
    if getattr(_local, "in_request", False) and getattr(_local, "token", None):
        return _local.token
    if not _shared():
        return None
    try:
        token = cache.get(TOKEN_KEY)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(TOKEN_KEY, token, timeout=None):
                token = cache.get(TOKEN_KEY)
    except Exception:  # noqa: BLE001 - a cache outage only costs the memo
        return None
    if getattr(_local, "in_request", False):
        _local.token = token
    return token


def generation_seen(token: str | None) -> None:
    """Take `token`, read from the shared cache together with other commands
    (`generation_key`), as this request's generation: `generation()` then
    asks the cache no more during the request. Outside a request, or with
    no token yet (`generation()` makes the first), nothing is kept."""
    if token is not None and _shared() and getattr(_local, "in_request", False):
        _local.token = token


def generation_key() -> str:
    """The token's key as the cache stores it (for a raw read: see config.cache)."""
    return cache.make_and_validate_key(TOKEN_KEY)


class Memo:
    """One named process cache of values loaded from the database."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._token: str | None = None
        self._data: dict[Hashable, Any] = {}
        _memos.append(self)

    def get(self, key: Hashable, load: Callable[[], T], *, keep=None) -> T:
        """The value of `key`, loaded by `load()` on a miss.

        `keep(value)` says whether a loaded value may be kept (default: all).
        """
        token = generation()
        if token is None:
            self.clear()  # what was kept may be stale by the time the cache is back
            return load()
        if token != self._token:
            self._data = {}
            self._token = token
        try:
            return self._data[key]
        except KeyError:
            pass
        value = load()
        if keep is None or keep(value):
            if len(self._data) >= MAX_ENTRIES:
                self._data = {}
            self._data[key] = value
        return value

    def peek(self, key: Hashable) -> Any:
        """What this process keeps for `key` (None), unchecked against the
        generation: a guess, for work that a stale value cannot harm."""
        return self._data.get(key)

    def clear(self) -> None:
        self._data = {}
        self._token = None


def _bump() -> None:
    try:
        cache.set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - see generation(): memos bypass a dead cache
        logger.warning("memo: could not renew the generation token", exc_info=True)


def memos_clear() -> None:
    """Drop this process's memos (tests: a rolled-back row must not outlive its test)."""
    for memo in _memos:
        memo.clear()
    _local.token = None


def memo_forget(**_: object) -> None:
    """Drop every memo in every process (a signal receiver for memoised models).

    Other workers may reload the old row before this transaction commits, so
    the token changes now and once more on commit.
    """
    memos_clear()
    _bump()
    transaction.on_commit(_bump)


def _request_started(**_: object) -> None:
    _local.in_request = True
    _local.token = None


def _request_finished(**_: object) -> None:
    _local.in_request = False
    _local.token = None


request_started.connect(_request_started, dispatch_uid="memo-request-started")
request_finished.connect(_request_finished, dispatch_uid="memo-request-finished")
