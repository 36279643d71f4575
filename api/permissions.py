"""Who may call what: scopes for service clients, roles for users.

Every key needs the scope of the route: `complaints:write` to file,
`complaints:read` to read, `cases:manage` to work cases. A view names its
scope per action in `required_scopes`. A key issued for a user acts with that
user's role AND within its scopes: it needs both a staff role and the scope;
what it may then see or change is decided by
`complaints.selectors.cases_visible_to` and the lifecycle's own role checks.
A browser session (no key) is limited by the role alone.
"""

from rest_framework.permissions import BasePermission

from teams.models import Role
from teams.selectors import role_of

from .authentication import ServiceClient
from .models import ApiClient, Scope

READ = Scope.COMPLAINTS_READ.value
WRITE = Scope.COMPLAINTS_WRITE.value
MANAGE = Scope.CASES_MANAGE.value
STAFF_ONLY = "staff"  # no service client holds it: users with a staff role only


def is_service_client(user) -> bool:
    return isinstance(user, ServiceClient)


def key_allows(request, scope: str | tuple[str, ...]) -> bool:
    """Whether the request's key (if any) holds `scope` (any one of a tuple);
    a session has no key.

    Staff-only routes have no scope of their own: a user's key needs
    `cases:manage` for them, since they change shared records.
    """
    client = request.auth
    if not isinstance(client, ApiClient):
        return True
    needed = MANAGE if scope == STAFF_ONLY else scope
    return holds(client.scopes or [], needed)


def holds(scopes, needed: str | tuple[str, ...]) -> bool:
    """Whether `scopes` include `needed`, or any one of a tuple of them."""
    wanted = needed if isinstance(needed, tuple) else (needed,)
    return any(scope in scopes for scope in wanted)


def required_scope(view, request) -> str | tuple[str, ...]:
    """The scope the view's current action needs (reads need complaints:read);
    a tuple means any one of them."""
    scopes = getattr(view, "required_scopes", {})
    action = getattr(view, "action", None) or request.method.lower()
    return scopes.get(action, scopes.get("*", READ))


class HasScopeOrStaffRole(BasePermission):
    """Service clients need the action's scope; users a staff role (and a
    user's key the scope as well)."""

    message = "Your API key or account lacks the permission for this request."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if is_service_client(user):
            return holds(user.scopes, required_scope(view, request))
        if role_of(user) is None:
            return False
        return key_allows(request, required_scope(view, request))


class IsApprover(BasePermission):
    """Team leads and managers only (approving or rejecting an offer)."""

    message = "Only a team lead or a manager may approve or reject an offer."

    def has_permission(self, request, view) -> bool:
        if view.action not in ("approve", "reject"):
            return True
        if is_service_client(request.user):
            return False
        return role_of(request.user) in (Role.TEAM_LEAD, Role.MANAGER)
