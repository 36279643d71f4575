"""Hostile input on every writable field of every API route, then every view of it.

The corpus (tests/hostile.py) holds 79 payloads: 19 strings (NUL, lone
surrogates, 10,000-character strings, markup, spreadsheet formulas …), 25
dates (far past and far future in the offsets +14:00, -12:00, Z, +05:45,
-09:30, and malformed), 15 amounts, 9 currencies and 11 metadata values
(NUL and surrogates in keys and values, nesting 33 and 2,000 deep, 500 keys,
20 KiB). Each goes to each field it fits, one request at a time, on a body
that is otherwise valid: complaints create, patch, transitions, messages,
offers, the offer moves, follow-ups, follow-up complete, customers create and
patch. No answer may be a 5xx. Then the API detail, list and timeline, the
case page, the inbox, the customer page, the dashboard, the customer's status
page and the CSV exports are read: no 5xx, markup escaped, formulas
neutralised.
"""

import json
import re
import reprlib
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client

from complaints import lifecycle
from complaints.actors import Actor
from complaints.models import Case
from customers.services import customer_set_consent
from dashboards.metrics.tables import TABLE_NAMES
from portal import links
from tests import hostile
from tests.api.conftest import complaint_body

pytestmark = pytest.mark.django_db

SHORT = [hostile.STRINGS[i] for i in (0, 2, 4, 6)]  # for enum-like fields
# A case's own texts the pages and the API show.
TEXT_FIELDS = (
    "subject",
    "description",
    "desired_outcome",
    "customer_account",
    "restatement",
    "resolution_summary",
)
DEEP = re.compile(r'"__DEEP_(\d+)__"')


def test_the_docstring_states_the_corpus_size():
    assert f"holds {hostile.CORPUS_SIZE} payloads" in __doc__
    assert f"{len(hostile.STRINGS)} strings" in __doc__


def encode(body: Any) -> str:
    """JSON as a client sends it; deep nesting is spliced in as text."""
    text = json.dumps(body)
    return DEEP.sub(lambda m: '{"x":' * int(m[1]) + "{}" + "}" * int(m[1]), text)


def with_field(base: dict, path: str, value: Any) -> dict:
    body = json.loads(json.dumps(base))
    *parents, last = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    depth = hostile.depth_of(value)
    target[last] = f"__DEEP_{depth}__" if depth > 100 else value
    return body


def hammer(client, method: str, url: str, base: dict, fields: dict) -> int:
    """Send each payload to each field; assert no 5xx; return how many were sent."""
    sent = 0
    for path, payloads in fields.items():
        for payload in payloads:
            body = encode(with_field(base, path, payload))
            where = f"{method} {url} {path}={reprlib.repr(payload)}"
            try:
                response = getattr(client, method)(
                    url, data=body, content_type="application/json"
                )
            except Exception as exc:
                raise AssertionError(f"{exc!r} on {where}") from exc
            hostile.assert_not_5xx(response, where)
            sent += 1
    return sent


@pytest.fixture
def world(make_case, agent, lead, manager):
    """Cases in the stages the routes need, each customer consenting."""
    cases = {
        stage: make_case(stage, assignee=agent)
        for stage in ("listening", "resolving", "resolved", "following_up")
    }
    for case in cases.values():
        customer_set_consent(
            customer=case.customer, consent=True, by=Actor.system("tests")
        )
    return cases


def test_every_api_route_refuses_hostile_input_without_a_5xx(
    api_as, agent, lead, manager, world
):
    client = api_as(manager)
    text = hostile.STRINGS
    sent = 0

    sent += hammer(
        client,
        "post",
        "/api/v1/complaints/",
        complaint_body(metadata={}),
        {
            **{
                f: text
                for f in (
                    "customer.email",
                    "customer.name",
                    "customer.phone",
                    "customer.external_ref",
                    "subject",
                    "description",
                    "desired_outcome",
                )
            },
            **{f: SHORT for f in ("channel", "category", "priority")},
            "occurred_at": hostile.FAR_DATES + SHORT,
            "metadata": hostile.METADATA,
            "metadata.note": text,
        },
    )
    listening = world["listening"]
    detail = f"/api/v1/complaints/{listening.reference}/"
    sent += hammer(
        client,
        "patch",
        detail,
        {},
        {
            **{
                f: text
                for f in (
                    "subject",
                    "customer_account",
                    "restatement",
                    "desired_outcome",
                )
            },
            **{f: SHORT for f in ("priority", "category", "assignee", "root_cause")},
        },
    )
    sent += hammer(
        client,
        "post",
        detail + "transitions/",
        {"to": "closed", "close_reason": "withdrawn"},
        {
            **{
                f: text
                for f in (
                    "apology",
                    "resolution_summary",
                    "skip_reason",
                    "reason",
                    "customer_account",
                    "restatement",
                    "desired_outcome",
                    "duplicate_of",
                )
            },
            **{f: SHORT for f in ("to", "close_reason")},
        },
    )
    resolving = world["resolving"]
    sent += hammer(
        client,
        "post",
        f"/api/v1/complaints/{resolving.reference}/messages/",
        {"body": "Hello", "visibility": "internal"},
        {"body": text, "visibility": SHORT},
    )
    sent += hammer(
        client,
        "post",
        f"/api/v1/complaints/{resolving.reference}/offers/",
        {"kind": "refund", "amount": "10.00", "currency": "GBP"},
        {
            "amount": hostile.AMOUNTS + SHORT,
            "currency": hostile.CURRENCIES + SHORT,
            "description": text,
            "kind": SHORT,
            "extra_mile": SHORT,
        },
    )
    sent += hammer(
        client,
        "post",
        f"/api/v1/complaints/{resolving.reference}/offers/",
        {"kind": "apology_only"},
        {"amount": hostile.AMOUNTS, "currency": hostile.CURRENCIES},
    )
    for verb, field in (
        ("decline", "reason"),
        ("counter", "counter_request"),
        ("withdraw", "reason"),
        ("fulfil", "note"),
        ("reject", "reason"),
    ):
        offer = lifecycle.offer_make(case=resolving, kind="redo", by=agent)
        if verb == "fulfil":
            lifecycle.offer_accept(offer=offer, by=agent)
        sent += hammer(
            client, "post", f"/api/v1/offers/{offer.pk}/{verb}/", {}, {field: text}
        )
    resolved = world["resolved"]
    sent += hammer(
        client,
        "post",
        f"/api/v1/complaints/{resolved.reference}/followups/",
        {"due_at": "2030-01-01T10:00:00Z", "channel": "phone"},
        {
            "due_at": hostile.FAR_DATES + SHORT,
            "note": text,
            "channel": SHORT,
            "owner": SHORT,
        },
    )
    followup = world["following_up"].followups.get()
    sent += hammer(
        client,
        "post",
        f"/api/v1/followups/{followup.pk}/complete/",
        {"outcome": "satisfied"},
        {"note": text, "outcome": SHORT, "csat": hostile.AMOUNTS},
    )
    customer = world["resolving"].customer
    sent += hammer(
        client,
        "post",
        "/api/v1/customers/",
        {"email": "new@example.com", "name": "New"},
        {f: text for f in ("email", "name", "phone", "external_ref")},
    )
    sent += hammer(
        client,
        "patch",
        f"/api/v1/customers/{customer.pk}/",
        {},
        {f: text for f in ("email", "name", "phone")},
    )
    assert sent > 800

    _every_view_is_safe(client, manager, _cases_showing_hostile_text(world))


def _cases_showing_hostile_text(world) -> list[Case]:
    """The world's cases, every case holding a hostile text of its own, and one
    case of each customer named with one (their other cases show nothing more:
    the customer page lists them all)."""
    shown = hostile.MARKUP + hostile.FORMULAS
    own = Q(pk__in=[case.pk for case in world.values()])
    for field in TEXT_FIELDS:
        own |= Q(**{f"{field}__in": shown})
    cases = list(Case.objects.filter(own).order_by("pk"))
    named = Case.objects.filter(customer__name__in=shown).order_by("customer", "-pk")
    covered = {case.customer_id for case in cases}
    for case in named:
        if case.customer_id not in covered:
            cases.append(case)
            covered.add(case.customer_id)
    return cases


def _every_view_is_safe(api, manager, cases) -> None:
    """Read back everything that was stored, on every surface that shows it."""
    assert Case.objects.filter(subject__in=hostile.MARKUP).exists()
    assert Case.objects.filter(subject__in=hostile.FORMULAS).exists()
    browser = Client()
    browser.force_login(manager)
    pages = ["/?queue=all", "/?queue=all&q=script", "/dashboard/"]
    for case in cases:
        pages += [f"/cases/{case.reference}/", f"/status/{links.status_token(case)}/"]
        for url in (
            f"/api/v1/complaints/{case.reference}/",
            f"/api/v1/complaints/{case.reference}/timeline/",
        ):
            hostile.assert_not_5xx(api.get(url), url)
    for customer_id in sorted({case.customer_id for case in cases}):
        pages.append(f"/customers/{customer_id}/")
        url = f"/api/v1/customers/{customer_id}/"
        hostile.assert_not_5xx(api.get(url), url)
    for url in pages:
        response = browser.get(url)
        hostile.assert_not_5xx(response, url)
        hostile.assert_escaped(response.content.decode(), url)
    for url in ("/api/v1/complaints/", "/api/v1/complaints/?q=%3Cscript%3E"):
        hostile.assert_not_5xx(api.get(url), url)
    for url in ["/dashboard/export/cases.csv"] + [
        f"/dashboard/export/{name}.csv" for name in TABLE_NAMES
    ]:
        response = browser.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content)
        hostile.assert_formulas_neutralised(content, url)
    exported = hostile.csv_cells(
        b"".join(browser.get("/dashboard/export/cases.csv").streaming_content)
    )
    assert any(
        cell == "'" + formula for cell in exported for formula in hostile.FORMULAS
    )
