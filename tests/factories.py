"""Test data made through the real services, as users would cause it."""

import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from complaints import lifecycle
from complaints.actors import Actor, By
from complaints.models import STAGE_ORDER, Stage
from complaints.services import case_assign, case_file
from customers.models import Customer
from customers.services import customer_set_consent
from followups.services import followup_complete, followup_schedule
from teams.services import staff_create

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    consent_to_contact = True


def StaffFactory(role: str = "agent", teams=None, username: str | None = None):
    """Create a staff user with a role and teams (password: PASSWORD)."""
    return staff_create(
        username=username or f"{role}{next(_seq)}",
        password=PASSWORD,
        role=role,
        teams=list(teams or []),
        by=Actor.system("tests"),
    )


FACTORY = Actor.system("test factory")
"""Who files a case a test sets up without naming anyone (never a silent "system")."""


class CaseFactory:
    """File cases through `case_file` and move them with the lifecycle."""

    @staticmethod
    def file(*, by: By = FACTORY, customer=None, **kwargs):
        kwargs.setdefault("subject", "Parcel arrived broken")
        kwargs.setdefault("description", "The vase was in pieces when I opened it.")
        return case_file(customer=customer or CustomerFactory(), by=by, **kwargs)

    @classmethod
    def in_stage(cls, stage: str, *, by: By = FACTORY, assignee=None, **kwargs):
        """File a case and walk it, step by step, to `stage`."""
        case = cls.file(by=by, **kwargs)
        target = STAGE_ORDER.index(stage)
        steps = STAGE_ORDER[1 : target + 1]
        if target >= 1:
            case = case_assign(case=case, assignee=assignee or by, by=by)
        for step in steps:
            case = cls._step(case, step, by)
        return case

    @staticmethod
    def _step(case, step: str, by):
        move = lifecycle.transition
        if step == Stage.LISTENING:
            return move(case, step, by=by)
        if step == Stage.ACKNOWLEDGED:
            return move(
                case,
                step,
                by=by,
                customer_account="It arrived smashed and nobody answered my emails.",
                restatement="So what you are saying is the parcel broke and we ignored you.",
                apology="We are sorry. Will you accept our apology?",
            )
        if step == Stage.RESOLVING:
            return move(case, step, by=by, desired_outcome="A replacement vase.")
        if step == Stage.RESOLVED:
            offer = lifecycle.offer_make(case=case, kind="replacement", by=by)
            lifecycle.offer_accept(offer=offer, by=by)
            lifecycle.offer_fulfil(offer=offer, by=by)
            return move(case, step, by=by, resolution_summary="Sent a new vase.")
        if step == Stage.FOLLOWING_UP:
            customer_set_consent(
                customer=case.customer, consent=True, by=Actor.system("tests")
            )
            followup_schedule(
                case=case,
                due_at=timezone.now() + timedelta(days=1),
                channel="phone",
                by=by,
            )
            case.refresh_from_db()
            return case
        if step == Stage.CLOSED:
            for followup in case.followups.filter(status="scheduled"):
                followup_complete(followup=followup, outcome="satisfied", csat=5, by=by)
            return move(case, step, by=by, close_reason="satisfied")
        raise ValueError(step)


def attachment_settings(location) -> dict:
    """Settings that store attachments in `location` and scan none (tests)."""
    from django.conf import settings

    return {
        "STORAGES": {
            **settings.STORAGES,
            "attachments": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(location), "base_url": None},
            },
        },
        "CLAMD_SOCKET": "",
        "CLAMD_HOST": "",
    }
