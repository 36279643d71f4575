"""Who may call what: scopes for service clients, roles for users.

A key issued for a user acts as that user: any staff role may call every
route, and what they may see or change is then decided by
`complaints.selectors.cases_visible_to` and the lifecycle's own role checks.
A service client (a key without a user) needs the scope of the route:
`complaints:write` to file, `complaints:read` to read, `cases:manage` to work
cases. A view names its scope per action in `required_scopes`.
"""

from rest_framework.permissions import BasePermission

from teams.models import Role
from teams.selectors import role_of

from .authentication import ServiceClient
from .models import Scope

READ = Scope.COMPLAINTS_READ.value
WRITE = Scope.COMPLAINTS_WRITE.value
MANAGE = Scope.CASES_MANAGE.value
STAFF_ONLY = "staff"  # no service client holds it: users with a staff role only


def is_service_client(user) -> bool:
    return isinstance(user, ServiceClient)


def required_scope(view, request) -> str:
    """The scope the view's current action needs (reads need complaints:read)."""
    scopes = getattr(view, "required_scopes", {})
    action = getattr(view, "action", None) or request.method.lower()
    return scopes.get(action, scopes.get("*", READ))


class HasScopeOrStaffRole(BasePermission):
    """Service clients need the action's scope; users need a staff role."""

    message = "Your API key or account lacks the permission for this request."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if is_service_client(user):
            return required_scope(view, request) in user.scopes
        return role_of(user) is not None


class IsApprover(BasePermission):
    """Team leads and managers only (approving or rejecting an offer)."""

    message = "Only a team lead or a manager may approve or reject an offer."

    def has_permission(self, request, view) -> bool:
        if view.action not in ("approve", "reject"):
            return True
        if is_service_client(request.user):
            return False
        return role_of(request.user) in (Role.TEAM_LEAD, Role.MANAGER)
