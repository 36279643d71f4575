"""Hostile input on every form of the pages and the portal, then every page.

The corpus is tests/hostile.py's (79 payloads; see tests/api/test_hostile_input.py
for its make-up). Form bodies are sent url-encoded as a browser would, a lone
surrogate as the bytes a careless client sends for it (CESU-8, `%ED%A0%80`).
Forms: the case page's panels (listening, outcome, resolve, skip, reopen,
close, messages, offers, offer moves, follow-ups, follow-up complete), the
inbox search, the public complaint form, the status page's message and offer
answers, and the survey. No answer may be a 5xx; then the case page, the
inbox, the customer page, the dashboard and the status page are rendered with
what was stored: no 5xx, markup escaped.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.cache import cache
from django.test import Client

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import Case
from customers.services import customer_set_consent
from portal import links
from tests import hostile

pytestmark = pytest.mark.django_db

TEXT = hostile.STRINGS
SHORT = [hostile.STRINGS[i] for i in (0, 2, 4, 6)]
FORM_DATES = [d for d in hostile.FAR_DATES if isinstance(d, str)]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    cache.clear()
    yield
    cache.clear()


def form_body(data: dict[str, Any]) -> str:
    def encoded(value: Any) -> str:
        raw = str(value).encode("utf-8", "surrogatepass")
        return quote_from_bytes(raw, safe="")

    return "&".join(f"{quote(k)}={encoded(v)}" for k, v in data.items())


def hammer(
    client: Client, url: str, base: Callable[[], dict], fields: dict[str, list]
) -> int:
    sent = 0
    for name, payloads in fields.items():
        for payload in payloads:
            where = f"POST {url} {name}={str(payload)[:40]!r}"
            try:
                response = client.post(
                    url,
                    form_body({**base(), name: payload}),
                    content_type="application/x-www-form-urlencoded",
                )
            except Exception as exc:
                raise AssertionError(f"{exc!r} on {where}") from exc
            hostile.assert_not_5xx(response, where)
            cache.clear()  # the portal's rate limits
            sent += 1
    return sent


def versioned(case: Case, **extra) -> Callable[[], dict]:
    return lambda: {"version": Case.objects.get(pk=case.pk).version, **extra}


@pytest.fixture
def world(make_case, agent):
    cases = {
        stage: make_case(stage, assignee=agent)
        for stage in ("new", "listening", "acknowledged", "resolving", "resolved")
    }
    cases["following_up"] = make_case("following_up", assignee=agent)
    for case in cases.values():
        customer_set_consent(
            customer=case.customer, consent=True, by=Actor.system("tests")
        )
    return cases


def test_every_staff_form_takes_hostile_input_without_a_5xx(
    agent_client, manager_client, agent, world
):
    sent = 0
    listening, resolving = world["listening"], world["resolving"]
    page = f"/cases/{listening.reference}/"
    sent += hammer(
        agent_client,
        page + "listening/",
        versioned(listening, action="save"),
        {"customer_account": TEXT, "restatement": TEXT, "apology": SHORT},
    )
    sent += hammer(
        agent_client,
        page + "outcome/",
        versioned(listening, action="save"),
        {"desired_outcome": TEXT},
    )
    sent += hammer(
        agent_client,
        f"/cases/{world['new'].reference}/skip/",
        versioned(world["new"], to="acknowledged"),
        {"skip_reason": TEXT, "apology": SHORT, "to": SHORT},
    )
    sent += hammer(
        agent_client,
        f"/cases/{world['acknowledged'].reference}/resolve/",
        versioned(world["acknowledged"]),
        {"resolution_summary": TEXT},
    )
    sent += hammer(
        agent_client,
        f"/cases/{world['resolved'].reference}/reopen/",
        versioned(world["resolved"]),
        {"reason": SHORT},
    )
    sent += hammer(
        agent_client,
        page + "close/",
        versioned(listening, close_reason="duplicate"),
        {"duplicate_of": SHORT, "close_reason": SHORT},
    )
    sent += hammer(
        agent_client,
        f"/cases/{resolving.reference}/messages/",
        lambda: {"visibility": "internal"},
        {"body": TEXT, "visibility": SHORT},
    )
    sent += hammer(
        agent_client,
        f"/cases/{resolving.reference}/offers/",
        lambda: {"kind": "refund", "amount": "10", "currency": "GBP"},
        {
            "amount": [a for a in hostile.AMOUNTS if isinstance(a, str)],
            "currency": hostile.CURRENCIES,
            "description": TEXT,
            "kind": SHORT,
        },
    )
    for action in ("decline", "counter", "withdraw"):
        offer = lifecycle.offer_make(case=resolving, kind="redo", by=agent)
        sent += hammer(
            agent_client, f"/offers/{offer.pk}/{action}/", dict, {"note": TEXT}
        )
    resolved = world["resolved"]
    sent += hammer(
        agent_client,
        f"/cases/{resolved.reference}/followups/",
        lambda: {"due_at": "2030-01-01T10:00", "channel": "phone"},
        {"due_at": FORM_DATES + SHORT, "note": TEXT, "channel": SHORT},
    )
    followup = world["following_up"].followups.get()
    sent += hammer(
        agent_client,
        f"/followups/{followup.pk}/complete/",
        lambda: {"outcome": "satisfied"},
        {"note": TEXT, "csat": SHORT, "outcome": SHORT},
    )
    for name in ("q", "team", "stage", "sort", "queue", "category", "page"):
        for payload in TEXT:
            url = (
                f"/?{name}={quote_from_bytes(payload.encode('utf-8', 'surrogatepass'))}"
            )
            hostile.assert_not_5xx(agent_client.get(url), url)
            sent += 1
    assert sent > 400

    _pages_are_safe(manager_client, list(world.values()))


def test_every_portal_form_takes_hostile_input_without_a_5xx(
    client, manager_client, agent, world
):
    sent = 0
    complaint = {
        "name": "Ada",
        "email": "ada@example.com",
        "subject": "Broken",
        "description": "It broke.",
    }
    sent += hammer(
        client,
        "/complain/",
        lambda: dict(complaint),
        {
            f: TEXT
            for f in (
                "name",
                "email",
                "phone",
                "subject",
                "description",
                "desired_outcome",
                "nonce",
                "category",
            )
        },
    )
    resolving = world["resolving"]
    token = links.status_token(resolving)
    sent += hammer(
        client, f"/status/{token}/messages/", dict, {"body": TEXT, "nonce": SHORT}
    )
    for action, field in (("counter", "counter_request"), ("decline", "reason")):
        offer = lifecycle.offer_make(case=resolving, kind="redo", by=agent)
        sent += hammer(
            client, f"/status/{token}/offers/{offer.pk}/{action}/", dict, {field: TEXT}
        )
    sent += hammer(client, f"/status/{token}/consent/", dict, {"consent": SHORT})
    followup = world["following_up"].followups.get()
    survey = f"/survey/{links.survey_token(followup)}/"
    sent += hammer(
        client,
        survey,
        lambda: {"csat": "5", "outcome": "satisfied"},
        {"note": TEXT, "csat": SHORT, "outcome": SHORT},
    )
    assert sent > 150

    shown = hostile.MARKUP + hostile.FORMULAS
    filed = Case.objects.filter(subject__in=shown) | Case.objects.filter(
        description__in=shown
    )
    assert filed.exists()
    _pages_are_safe(manager_client, [*world.values(), *filed])


def _pages_are_safe(browser: Client, cases: list[Case]) -> None:
    pages = ["/", "/?queue=all", "/?queue=all&q=%3Cscript%3E", "/dashboard/"]
    for case in cases:
        pages += [
            f"/cases/{case.reference}/",
            f"/customers/{case.customer_id}/",
            f"/status/{links.status_token(case)}/",
        ]
    for url in pages:
        response = browser.get(url)
        hostile.assert_not_5xx(response, url)
        hostile.assert_escaped(response.content.decode(), url)
