"""The access matrix's world and route walker (`test_access_matrix` holds ROWS).

`World` makes one case of the Care team in following_up and everyone who might
ask about it: staff of that team and of another, a manager, API keys for each,
service clients holding one scope each, and a customer's links. `routes()`
walks the URL conf; `url_for`, `ask` and `outcome` fill a route, call it and
judge the answer.
"""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_client_create
from attachments.models import Source
from attachments.services import attachment_add
from complaints.actors import Actor
from complaints.models import Case
from notifications.models import Notification
from portal.links import status_token, survey_token
from records.holds import legal_hold_place
from regimes.approvals import letter_approval_request
from regimes.sending import letter_send
from regimes.support import customer_representative_record
from service_recovery.incidents import incident_create, incident_link_customers
from service_recovery.models import Problem, ProblemCase
from service_recovery.promises import promise_make
from tests.attachments.samples import png_bytes
from tests.factories import CaseFactory, StaffFactory, attachment_settings
from webhooks.models import WebhookSubscription
from webhooks.signing import secret_new

PAGE_CALLERS = ("anon", "agent_other", "agent", "lead_other", "lead", "manager")
API_CALLERS = (
    "anon",
    "key_agent_other",
    "key_agent",
    "key_lead_other",
    "key_lead",
    "key_manager",
    "svc_read",
    "svc_write",
    "svc_manage",
    "svc_other",
    "svc_webhooks",
    "session_agent",
)
PORTAL_CALLERS = ("no_link", "other_link", "own_link")
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
ALL_SCOPES = ["complaints:write", "complaints:read", "cases:manage", "webhooks:manage"]


def routes() -> list[tuple[str, str]]:
    """(name, pattern) of every route in the URL conf, admin excluded."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or "not-found"
                if namespace:
                    name = f"{namespace}:{name}"
                found.append((name, prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "", None)
    return [(n, p) for n, p in found if not n.startswith("admin:")]


def kind_of(name: str) -> str:
    # Interfaces built on the API mount their own namespaces under /api/v1/.
    if name.startswith(
        (
            "api:",
            "webhooks:",
            "dashboards-api:",
            "regimes:",
            "service_recovery:",
            "records:",
        )
    ):
        return "api"
    if name.startswith("portal:") and name != "portal:complain":
        return "portal"
    return "page"


class World:
    """One case of the Care team in following_up, and everyone who might ask."""

    def __init__(self) -> None:
        from teams.models import Team

        care = Team.objects.create(name="Care", slug="care")
        billing = Team.objects.create(name="Billing", slug="billing")
        self.users = {
            "agent": StaffFactory(role="agent", teams=[care]),
            "agent_other": StaffFactory(role="agent", teams=[billing]),
            "lead": StaffFactory(role="team_lead", teams=[care]),
            "lead_other": StaffFactory(role="team_lead", teams=[billing]),
            "manager": StaffFactory(role="manager"),
        }
        owner, _ = api_client_create(
            name="owner",
            username=None,
            scopes=["complaints:read"],
            by=Actor.system("tests"),
        )
        self.case = CaseFactory.in_stage(
            "following_up",
            team=care,
            by=self.users["lead"],
            assignee=self.users["lead"],
        )
        Case.objects.filter(pk=self.case.pk).update(api_client=owner)
        self.other_case = CaseFactory.file(team=billing, by=self.users["lead_other"])
        self.offer = self.case.offers.first()
        self.attachment = attachment_add(
            case=self.case,
            file=ContentFile(png_bytes(), name="photo.png"),
            source=Source.FORM,
            by=Actor.customer(),
        )
        self.followup = self.case.followups.first()
        self.promise = promise_make(
            case=self.case,
            text="We will call",
            due_at=timezone.now() + timedelta(days=2),
            owner=self.users["lead"],
            by=self.users["lead"],
        )
        self.problem = Problem.objects.create(
            key="category:0",
            basis="category",
            title="Kettles",
            opened_at=timezone.now(),
        )
        ProblemCase.objects.create(
            problem=self.problem, case=self.case, linked_at=timezone.now()
        )
        self.incident = incident_create(
            title="Outage", customer_message="Sorry.", by=self.users["manager"]
        )
        # The case's customer is hit: the incident is suggested for the case.
        incident_link_customers(
            incident=self.incident,
            customers=[self.case.customer],
            by=self.users["manager"],
        )
        self.letter = letter_send(
            case=self.case, kind="acknowledgement", by=self.users["lead"]
        )
        self.approval = letter_approval_request(
            case=self.case, kind="acknowledgement", by=self.users["agent"]
        )
        customer_representative_record(
            customer=self.case.customer,
            name="Sam",
            kind="family_member",
            authority="The customer said so on the phone.",
            by=self.users["lead"],
        )
        self.hold = legal_hold_place(
            case=self.case, reason="Litigation", by=self.users["manager"]
        )
        self.notification = Notification.objects.create(
            recipient=self.users["agent"],
            case=self.case,
            kind="followup_due",
            title="Look",
            created_at=timezone.now(),
        )
        self.keys = {
            f"key_{role}": api_client_create(
                name=f"key {role}",
                username=user.get_username(),
                scopes=ALL_SCOPES,
                by=Actor.system("tests"),
            )[1]
            for role, user in self.users.items()
        }
        self.services = {}
        for caller, scopes in (
            ("svc_read", ["complaints:read"]),
            ("svc_write", ["complaints:write"]),
            ("svc_manage", ["cases:manage"]),
            ("svc_other", ALL_SCOPES),
            ("svc_webhooks", ["webhooks:manage"]),
        ):
            self.services[caller] = api_client_create(
                name=caller, username=None, scopes=scopes, by=Actor.system("tests")
            )

        self.subscription = WebhookSubscription.objects.create(
            client=self.services["svc_webhooks"][0],
            url="https://hooks.example.com/redress",
            events=["case.created"],
            secret=secret_new(),
        )

    def args(self, pattern: str, caller: str) -> dict:
        """Values for the route's parameters, as `caller` would use them."""
        token = {
            "own_link": status_token(self.case),
            "other_link": status_token(self.other_case),
            "no_link": "forged.token",
        }.get(caller, status_token(self.case))
        if "survey" in pattern:
            token = {
                "own_link": survey_token(self.followup),
                "other_link": status_token(self.case),
            }.get(caller, "forged.token")
        return {
            "reference": self.case.reference,
            "customer_id": self.case.customer_id,
            "offer_id": self.offer.pk,
            "followup_id": self.followup.pk,
            "notification_id": self.notification.pk,
            "promise_id": self.promise.pk,
            "letter_id": self.letter.pk,
            "hold_id": self.hold.pk,
            "approval_id": self.approval.pk,
            "fmt": "json",
            "regime": "fca",
            "attachment_id": self.attachment.pk,
            "view_id": 424242,  # nobody's view
            "incident_id": self.incident.pk,
            "problem_id": self.problem.pk,
            "token": token,
            "action": "accept",
            "name": "offers",
            "pk": self.offer.pk
            if "offers" in pattern
            else self.promise.pk
            if "promises" in pattern
            else self.problem.pk
            if "problems" in pattern
            else self.incident.pk
            if "incidents" in pattern
            else self.case.customer_id
            if "customers" in pattern
            else self.subscription.pk
            if "webhooks" in pattern
            else self.followup.pk,
        }

    def client(self, caller: str, kind: str):
        if kind == "api":
            client = APIClient()
            if caller.startswith("key_"):
                client.credentials(HTTP_AUTHORIZATION=f"Token {self.keys[caller]}")
            elif caller.startswith("svc_"):
                api_client, key = self.services[caller]
                if caller not in ("svc_other", "svc_webhooks"):
                    # A client working its own case: it filed this one.
                    Case.objects.filter(pk=self.case.pk).update(api_client=api_client)
                client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            elif caller == "session_agent":
                client = APIClient(enforce_csrf_checks=True)
                client.force_login(self.users["agent"])
            return client
        client = Client()
        if caller in self.users:
            client.force_login(self.users[caller])
        return client


def url_for(pattern: str, values: dict) -> str:
    """Fill a route pattern (path converters or the router's regex groups)."""

    path = pattern.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)
    if path == ".*":
        path = "v1/no-such-route/"
    return "/" + path


def ask(client, method: str, url: str, kind: str):
    call = getattr(client, method.lower())
    if method == "GET":
        return call(url)
    if kind == "api":
        return call(url, {}, format="json")
    return call(url, {})


def outcome(response, kind: str) -> str:
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:300]!r}"
    if status == 405:
        return "method"
    if status in (401, 403, 404):
        return "refused"
    if status == 302 and "/accounts/login/" in response.get("Location", ""):
        return "refused"
    return "through"


@pytest.fixture(scope="module")
def world_files(tmp_path_factory):
    return tmp_path_factory.mktemp("world-attachments")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_files):
    """One World for the module's tests, as Django's `setUpTestData` makes one
    per class: built inside a transaction that is rolled back after the last
    test, while each test runs in a savepoint of it, rolled back after that
    test (pytest-django's `db`), so what a test's requests change is gone
    before the next. Building it per test was most of the matrix's time."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                **attachment_settings(world_files),
            ):
                yield World()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
