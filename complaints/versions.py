"""The case row's lock and its version (the ETag): one helper each.

Every write to a case locks its row first (`case_lock`, which also refuses a
stale `expected_version`) and counts the change (`case_version_bump`), so a
client holding an old ETag is told the case moved on, whichever path wrote.
"""

from collections.abc import Iterable

from .exceptions import StaleVersion
from .models import Case


def case_lock(
    case: Case | int,
    *,
    expected_version: int | None = None,
    related: Iterable[str] = (),
) -> Case:
    """Lock the case's row until the transaction ends and return it fresh.

    Call inside a transaction. Raises StaleVersion when `expected_version` is
    given and the case has moved on; `related` are select_related names.
    """
    pk = case if isinstance(case, int) else case.pk
    cases = Case.objects.select_for_update()
    related = tuple(related)
    if related:
        cases = cases.select_related(*related)
    locked = cases.get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(locked.reference, expected_version, locked.version)
    return locked


def case_version_bump(case: Case, *, fields: Iterable[str] | None = None) -> None:
    """Count one change to the (locked) case: bump its version and save it.

    With `fields`, save only those (plus the version and `updated_at`).
    """
    case.version += 1
    if fields is None:
        case.save()
    else:
        case.save(update_fields=[*dict.fromkeys([*fields, "version", "updated_at"])])
