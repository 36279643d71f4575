"""The access matrix: every route of the URL conf, asked by every kind of caller.

Each route (pages, htmx partials, the API, the portal) is requested with every
method it might take, by each caller of its kind:

- pages: anonymous, an agent and a team lead of another team, an agent and a
  team lead of the case's team, a manager;
- the API: anonymous, keys issued for each of those users, service clients
  holding one scope each (on a case they filed themselves), a service client
  with every scope on a case another client filed, and a browser session (which
  sends no CSRF token, so its writes are refused);
- the portal: no link (a forged token), the link of another case, the case's
  own link.

`ROWS` says, per route name and method, which callers get through; every other
caller must be refused (401, 403, 404 or the login page), and a method a route
does not list must never succeed. No answer may be a 5xx, and every API error
must be problem+json. A route without a row fails `test_every_route_has_a_row`,
so a new route cannot ship without someone deciding who may call it.
"""

import pytest

from tests.factories import attachment_settings
from tests.web.access_world import (
    API_CALLERS,
    METHODS,
    PAGE_CALLERS,
    PORTAL_CALLERS,
    ask,
    kind_of,
    outcome,
    routes,
    url_for,
    world,  # noqa: F401 - fixture
    world_files,  # noqa: F401 - fixture
)

pytestmark = pytest.mark.django_db

# Who gets through, by the shape of the route.
ANYONE_PAGE = set(PAGE_CALLERS)
STAFF = {"agent_other", "agent", "lead_other", "lead", "manager"}
CASE_STAFF = {"agent", "lead", "manager"}
LEADS = {"lead_other", "lead", "manager"}
ANYONE_API = set(API_CALLERS)
API_USERS = {
    "key_agent_other",
    "key_agent",
    "key_lead_other",
    "key_lead",
    "key_manager",
}
API_AUTHENTICATED = API_USERS | {
    "svc_read",
    "svc_write",
    "svc_manage",
    "svc_other",
    "svc_webhooks",
    "session_agent",
}
API_CASE_READ = {"key_agent", "key_lead", "key_manager", "svc_read", "session_agent"}
API_CASE_WORK = {"key_agent", "key_lead", "key_manager", "svc_manage"}
API_LEADS = {"key_lead_other", "key_lead", "key_manager"}
API_CARE_LEADS = {"key_lead", "key_manager"}
API_STAFF_READ = API_USERS | {"session_agent"}
API_HOOKS = API_USERS | {"svc_webhooks", "svc_other"}
OWN_LINK = {"own_link"}
# The link alone names the case: another case's link opens that other case
# (checked not to show this one).
A_LINK = {"own_link", "other_link"}
ANY = "any outcome but a 5xx"


def _case_work(*names: str) -> dict:
    return {name: {"POST": CASE_STAFF} for name in names}


ROWS: dict[str, dict[str, set[str]]] = {
    # Process health and the login form: public.
    "healthz": {"GET": ANYONE_PAGE},
    "readyz": {"GET": ANYONE_PAGE},
    # Off by default (METRICS_ENABLED); tested with a token in test_ops.
    "metrics": {"GET": set()},
    # Django's own forms (PUT is their POST); logging out always lands on login.
    "login": {"GET": ANYONE_PAGE, "POST": ANYONE_PAGE, "PUT": ANYONE_PAGE},
    "logout": {"POST": ANY},
    "password_change": {"GET": STAFF, "POST": STAFF, "PUT": STAFF},
    "password_change_done": {"GET": STAFF},
    # The agents' workspace.
    "web:inbox": {"GET": STAFF},
    "web:search": {"GET": STAFF},
    "web:inbox_live": {"GET": STAFF},
    "web:case": {"GET": CASE_STAFF},
    "web:case_live": {"GET": CASE_STAFF},
    **_case_work(
        "web:case_take",
        "web:case_assign",
        "web:case_start",
        "web:case_listening",
        "web:case_outcome",
        "web:case_resolve",
        "web:case_skip",
        "web:case_reopen",
        "web:case_close",
        "web:case_awaiting",
        "web:case_details",
        "web:case_message",
        "web:case_links_revoke",
        "web:offer_create",
        "web:offer_move",
        "web:followup_create",
        "web:followup_complete",
        "web:followup_cancel",
        "web:customer_consent",
    ),
    "web:case_route": {"POST": {"lead", "manager"}},
    # Files: added and fetched by staff who may see the case.
    "web:attachment_upload": {"POST": CASE_STAFF},
    "web:attachment": {"GET": CASE_STAFF},
    "web:attachment_thumbnail": {"GET": CASE_STAFF},
    "web:customer": {"GET": CASE_STAFF},
    "web:pitch_check": {"POST": STAFF},
    # Bulk answers every staff member; each case is then checked on its own.
    "web:inbox_bulk": {"POST": STAFF},
    # Any staff member takes a complaint by phone or in person.
    "web:case_new": {"GET": STAFF, "POST": STAFF},
    "web:customer_search": {"GET": STAFF},
    # Anyone logged in keeps views; deleting one the caller cannot see is a 404.
    "web:saved_view_save": {"POST": STAFF},
    "web:saved_view_delete": {"POST": set()},
    "web:notifications_read_all": {"POST": STAFF},
    "web:notifications": {"GET": STAFF},
    "web:bell": {"GET": STAFF},
    "web:email_preferences": {"GET": STAFF, "POST": STAFF},
    "web:notification_open": {"POST": {"agent"}},
    # Managers' dashboards: leads (their teams) and managers.
    "dashboards:dashboard": {"GET": LEADS},
    "dashboards:export_cases": {"GET": LEADS},
    "dashboards:export_table": {"GET": LEADS},
    # The customer side.
    "portal:complain": {"GET": ANYONE_PAGE, "POST": ANYONE_PAGE},
    "portal:thanks": {"GET": A_LINK},
    "portal:status": {"GET": A_LINK},
    "portal:message_send": {"POST": A_LINK},
    "portal:consent": {"POST": A_LINK},
    "portal:offer_answer": {"POST": OWN_LINK},
    # A letter of this case: another case's link never reaches it.
    "portal:letter_download": {"GET": OWN_LINK},
    "portal:attachment_send": {"POST": A_LINK},
    "portal:attachment": {"GET": OWN_LINK},
    "portal:survey": {"GET": OWN_LINK, "POST": OWN_LINK},
    # The API.
    "api:ping": {"GET": API_AUTHENTICATED},
    "dashboards-api:metrics-summary": {"GET": API_LEADS},
    "api:complaint-list": {
        "GET": API_USERS | {"svc_read", "svc_other", "session_agent"},
        "POST": API_USERS | {"svc_write", "svc_other"},
    },
    "api:complaint-detail": {"GET": API_CASE_READ, "PATCH": API_CASE_WORK},
    "api:complaint-timeline": {"GET": API_CASE_READ},
    "api:complaint-transitions": {"POST": API_CASE_WORK},
    "api:complaint-messages": {"POST": API_CASE_WORK},
    "api:complaint-offers": {"POST": API_CASE_WORK},
    "api:complaint-followups": {"POST": API_CASE_WORK},
    # Regulated handling (CONTRACT §15).
    "regimes:complaint-letters": {"GET": API_CASE_READ, "POST": API_CASE_WORK},
    "regimes:complaint-received-at": {"POST": {"key_manager"}},
    "regimes:returns": {"GET": {"key_manager"}},
    "regimes:complaint-letter-preview": {"POST": API_CASE_WORK},
    "regimes:complaint-letter-approvals": {
        "GET": API_CASE_WORK | {"session_agent"},
        "POST": API_CASE_WORK,
    },
    # Four eyes: leads of the case's team and managers decide; anyone who
    # works the case may send an approved letter (here: still pending, 409).
    "regimes:letter-approval-approve": {"POST": {"key_lead", "key_manager"}},
    "regimes:letter-approval-refuse": {"POST": {"key_lead", "key_manager"}},
    "regimes:letter-approval-send": {"POST": API_CASE_WORK},
    # The customer's vulnerability and representative: staff who may see the
    # customer, like the customer record itself; never a service client.
    **{
        name: {
            "GET": {"key_agent", "key_lead", "key_manager", "session_agent"},
            "PUT": {"key_agent", "key_lead", "key_manager"},
            "DELETE": {"key_agent", "key_lead", "key_manager"},
        }
        for name in (
            "regimes:customer-vulnerability",
            "regimes:customer-representative",
        )
    },
    # Attaching: cases:manage, or complaints:write for the client that filed it.
    "api:complaint-attachments": {
        "GET": API_CASE_READ,
        "POST": API_CASE_WORK | {"svc_write"},
    },
    **{
        f"api:offer-{verb}": {"POST": API_CASE_WORK}
        for verb in ("accept", "counter", "decline", "fulfil", "withdraw")
    },
    "api:offer-approve": {"POST": {"key_lead", "key_manager"}},
    "api:offer-reject": {"POST": {"key_lead", "key_manager"}},
    "api:followup-complete": {"POST": API_CASE_WORK},
    "api:followup-cancel": {"POST": API_CASE_WORK},
    "api:customer-list": {
        "GET": API_STAFF_READ,
        # Creating a customer by email would match other teams' customers.
        "POST": {"key_manager"},
    },
    "api:customer-detail": {
        "GET": {"key_agent", "key_lead", "key_manager", "session_agent"},
        "PATCH": {"key_agent", "key_lead", "key_manager"},
    },
    # Any key holding webhooks:manage manages its own subscriptions only.
    "webhooks:webhook-list": {"GET": API_HOOKS, "POST": API_HOOKS},
    "webhooks:webhook-detail": {"GET": {"svc_webhooks"}, "DELETE": {"svc_webhooks"}},
    "webhooks:webhook-deliveries": {"GET": {"svc_webhooks"}},
    "webhooks:webhook-rotate": {"POST": {"svc_webhooks"}},
    "api:schema": {"GET": ANYONE_API},
    # Inbound email: only a bearer of INBOUND_EMAIL_TOKEN (tested in
    # test_inbound_email_endpoint), so no caller here gets through.
    "mail:inbound-email": {"POST": set()},
    "api:docs": {"GET": ANYONE_API},
    "api:not-found": {},
    # Service recovery (CONTRACT §16): promises follow the case; problems are
    # for leads and managers; incidents for managers.
    "service_recovery:complaint-promises": {
        "GET": API_CASE_WORK | {"session_agent"},
        "POST": API_CASE_WORK,
    },
    "service_recovery:promise-detail": {"GET": API_CASE_WORK | {"session_agent"}},
    "service_recovery:promise-keep": {"POST": API_CASE_WORK},
    # A lead sees a problem through a case they may see (the world's links
    # the Care case only).
    "service_recovery:problem-list": {"GET": API_LEADS},
    "service_recovery:problem-detail": {"GET": API_CARE_LEADS},
    "service_recovery:problem-owner": {"POST": API_CARE_LEADS},
    "service_recovery:problem-record-action": {"POST": API_CARE_LEADS},
    "service_recovery:problem-close": {"POST": API_CARE_LEADS},
    "service_recovery:incident-list": {"GET": {"key_manager"}, "POST": {"key_manager"}},
    "service_recovery:incident-detail": {"GET": {"key_manager"}},
    "service_recovery:incident-cases": {"POST": {"key_manager"}},
    "service_recovery:incident-customers": {"POST": {"key_manager"}},
    "service_recovery:incident-notify": {"POST": {"key_manager"}},
    "service_recovery:incident-customers-import": {"POST": {"key_manager"}},
    "service_recovery:incident-close": {"POST": {"key_manager"}},
    "web:incidents": {"GET": {"manager"}},
    "web:incident": {"GET": {"manager"}, "POST": {"manager"}},
    "web:incident_close": {"POST": {"manager"}},
    # Suggestions: staff who may see the case read them; leads and managers link.
    "service_recovery:complaint-incident-suggestions": {
        "GET": {"key_agent", "key_lead", "key_manager", "session_agent"}
    },
    "web:case_incident_link": {"POST": {"lead", "manager"}},
    "web:problems": {"GET": LEADS},
    "web:problem": {"GET": {"lead", "manager"}},
    **_case_work("web:promise_create", "web:promise_keep", "web:case_merge"),
    # Retention and data rights: managers only (README).
    "web:customer_export": {"GET": {"manager"}},
    "web:customer_hold": {"POST": {"manager"}},
    "web:hold_lift": {"POST": {"manager"}},
    "records:customer-export": {"GET": {"key_manager"}},
    "records:customer-holds": {"POST": {"key_manager"}},
    "records:case-holds": {"POST": {"key_manager"}},
    "records:hold-lift": {"POST": {"key_manager"}},
    # Regulated handling on the case page: letters (each approval's own
    # decision is checked by role in the service and refused in place),
    # PDFs, the customer's vulnerability and representative.
    **_case_work(
        "web:case_letter",
        "web:letter_approval_approve",
        "web:letter_approval_refuse",
        "web:letter_approval_send",
        "web:case_vulnerability",
        "web:case_representative",
    ),
    "web:case_letter_pdf": {"GET": CASE_STAFF},
    # Opened by an incident's own signed token (test_incidents_api); a case's
    # status link is not one.
    "portal:incident": {"GET": set()},
}

# Routes left out of the matrix, with the reason.
NOT_IN_MATRIX = {
    "admin": "Django's admin: its own staff check, tested in test_admin_access",
}


def _row(name: str) -> dict[str, set[str]]:
    # django-anymail's inbound webhooks: off without ANYMAIL_WEBHOOK_SECRET, and
    # then basic auth with it, which no caller here holds (test_inbound_anymail).
    if name.startswith("mail:") and name.endswith("_inbound_webhook"):
        return {"POST": set()}
    return ROWS[name]


ALL_ROUTES = routes()


@pytest.fixture(autouse=True)
def attachment_dir(settings, world_files):  # noqa: F811
    """The suite's per-test attachment directory, here the world's: its files
    were stored once, with it."""
    for name, value in attachment_settings(world_files).items():
        setattr(settings, name, value)
    return world_files


def test_every_route_has_a_row():
    names = {name for name, _ in ALL_ROUTES if not name.endswith("_inbound_webhook")}
    assert names - set(ROWS) == set(), "routes without a row in ROWS"
    assert set(ROWS) - names == set(), "rows for routes that no longer exist"


@pytest.mark.parametrize(
    ("name", "pattern"), ALL_ROUTES, ids=[n for n, _ in ALL_ROUTES]
)
def test_route_answers_only_its_callers(world, name, pattern):  # noqa: F811
    kind = kind_of(name)
    callers = {"api": API_CALLERS, "portal": PORTAL_CALLERS}.get(kind, PAGE_CALLERS)
    row = _row(name)
    wrong = []
    for method in METHODS:
        allowed = row.get(method)
        for caller in callers:
            client = world.client(caller, kind)
            url = url_for(pattern, world.args(pattern, caller))
            response = ask(client, method, url, kind)
            got = outcome(response, kind)
            if kind == "api" and response.status_code >= 400:
                assert response["Content-Type"].startswith(
                    "application/problem+json"
                ), f"{method} {url} as {caller}: {response['Content-Type']}"
            if caller == "other_link" and response.status_code == 200:
                assert world.case.reference not in response.content.decode()
            if allowed == ANY:
                continue
            if allowed is None:
                if got == "through":
                    wrong.append(f"{method} {url} as {caller}: {response.status_code}")
                continue
            expected = "through" if caller in allowed else "refused"
            if got != expected:
                wrong.append(
                    f"{method} {url} as {caller}: {response.status_code}, "
                    f"expected {expected}"
                )
    assert not wrong, "\n".join(wrong)


def test_admin_access(world):  # noqa: F811
    """Managers reach the admin (what each model allows is Django's permissions)."""
    for caller in PAGE_CALLERS:
        response = world.client(caller, "page").get("/admin/")
        if caller == "manager":
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert "/admin/login/" in response["Location"]
