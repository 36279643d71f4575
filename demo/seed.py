"""`demo_seed`: set up the demo's configuration and play every missing script.

Safe to run again: configuration is brought back in line, staff passwords are
reset to the printed ones, a case whose script key is already stored is left
alone, and the demo API key is replaced (the old one revoked).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from api.models import ApiClient
from api.services import api_client_create, api_client_revoke
from complaints.actors import Actor
from complaints.models import Case

from . import setup
from .cases_done import DONE_CASES
from .cases_open import OPEN_CASES
from .email_thread import email_thread_play
from .specs import CUSTOMERS
from .walk import Context, play

SCRIPTS = OPEN_CASES + DONE_CASES
API_CLIENT_NAME = "demo-shop"
SEED = Actor.system("seed_demo")


@dataclass
class SeedReport:
    logins: dict[str, str]
    api_key: str
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    email_thread: str = ""  # the reference of the demo's email conversation


def demo_seed(*, now: datetime | None = None) -> SeedReport:
    """Create or refresh the demo data as of `now`; return what to print."""
    now = now or timezone.now()
    with transaction.atomic():
        users = setup.staff_and_teams()
        setup.calendar_and_policies(today=timezone.localdate(now))
        setup.catalogue()
        customers = setup.customers(CUSTOMERS)
        client, key = _rotate_api_client()
        ctx = Context(users=users, customers=customers, api_client=client)
        report = SeedReport(
            logins={name: setup.DEMO_PASSWORD for name in ("agent", "lead", "manager")},
            api_key=key,
        )
        stored = set(
            Case.objects.filter(metadata__has_key="demo").values_list(
                "metadata__demo", flat=True
            )
        )
        for spec in SCRIPTS:
            if spec.key in stored:
                report.kept.append(spec.key)
                continue
            play(spec, ctx, now=now)
            report.created.append(spec.key)
        report.email_thread = email_thread_play(users=users, now=now).reference
    return report


def _rotate_api_client() -> tuple[ApiClient, str]:
    """Revoke the previous demo key and issue a new one; its cases follow it."""
    old = list(ApiClient.objects.filter(name=API_CLIENT_NAME, revoked=False))
    for client in old:
        api_client_revoke(client=client, by=SEED)
    client, key = api_client_create(
        name=API_CLIENT_NAME, scopes=["complaints:write", "complaints:read"], by=SEED
    )
    # A service client sees the cases it filed; hand the demo's over to the new key.
    Case.objects.filter(api_client__in=old, metadata__has_key="demo").update(
        api_client=client
    )
    return client, key
