"""Sign-in lockouts: who is locked out after failed logins, and unlocking them.

django-axes records every failed login. Redress locks a username at one
address (`AXES_FAILURE_LIMIT` failures, default 10), so a typo-prone colleague
behind the office NAT never locks out everyone else there; and it locks a
username at every address once it has failed `AXES_USERNAME_FAILURE_LIMIT`
times (default 30) across addresses, so spraying one account from many
addresses is limited too. Both count within `AXES_COOLOFF_TIME`.

Axes supports one failure limit, so `RedressAxesHandler` reports a username
that is over its cross-address limit as having at least the per-address
limit of failures: axes then locks it everywhere.

`lockout_reset` is the one way staff unlock a username (managers only); the
admin's action calls it.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils.translation import gettext

from .audit import audit
from .selectors import is_manager

USERNAME_FAILURE_LIMIT = 30


def username_failure_limit() -> int:
    """Failures of one username across all addresses that lock it everywhere."""
    return int(getattr(settings, "AXES_USERNAME_FAILURE_LIMIT", USERNAME_FAILURE_LIMIT))


class RedressAxesHandler(AxesDatabaseHandler):
    """Lock by username and address together, and by username across addresses."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(
            attempt_time__gte=get_cool_off_threshold(request), username=username
        )
        here = _failures(recent.filter(ip_address=request.axes_ip_address))
        if username is None:
            return here
        if _failures(recent) >= username_failure_limit():
            return max(here, get_failure_limit(request, credentials))
        return here


def lockout_reset(*, username: str, by: AbstractBaseUser) -> int:
    """Forget the username's failed logins at every address, unlocking it.

    Managers only: raises PermissionDenied for anyone else. Returns the number
    of attempt records removed.
    """
    if not is_manager(by):
        raise PermissionDenied(gettext("Only a manager may unlock a sign-in."))
    removed = reset(username=username)
    audit("staff.unlocked", by=by, username=username, attempts=removed)
    return removed


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
