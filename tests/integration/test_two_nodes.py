"""More than one machine: two gunicorn instances, two workers and two beats at once.

The test plays the load balancer: it sends each request to the next instance
in turn. Filings land once each (an Idempotency-Key sent to both instances at
the same moment files one case), a login made on one instance works on the
other, and the due pass run by two beats through two workers warns and
escalates each deadline exactly once, every email sent once.
"""

import json
import threading
import urllib.error
import urllib.request
from itertools import cycle

import pytest

from complaints.actors import Actor
from complaints.models import Case, Event
from notifications.models import Outbox, OutboxStatus
from tests.integration.conftest import BIN, wait_until
from tests.integration.test_demo_boot import _free_port
from tests.integration.test_engine_worker import (
    assert_each_sent_once,
    setup,  # noqa: F401 - fixture
    worker_ready,
)
from tests.integration.work import due_cases

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def _call(base: str, method: str, path: str, key: str, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={
            "Authorization": f"Token {key}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_two_web_instances_two_workers_two_beats(stack, setup):  # noqa: F811
    from api.services import api_client_create

    team, _lead, _manager = setup
    _client, key = api_client_create(
        name="shop",
        username=None,
        scopes=["complaints:write", "complaints:read"],
        by=Actor.system("tests"),
    )
    bases = []
    for name in ("web1", "web2"):
        port = _free_port()
        stack.spawn(
            name,
            str(BIN / "gunicorn"),
            "config.wsgi",
            "-c",
            "gunicorn.conf.py",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        wait_until(lambda base=base: _up(base), 60, what=f"{base} up")

    # Round-robin filings: 20 complaints, each lands once.
    balancer = cycle(bases)
    filed = []
    for n in range(20):
        status, body = _call(
            next(balancer),
            "POST",
            "/api/v1/complaints/",
            key,
            {
                "customer": {"email": f"c{n}@example.com", "name": f"C {n}"},
                "subject": f"Complaint {n}",
                "description": "It broke.",
            },
        )
        assert status == 201, body
        filed.append(body["reference"])
    assert len(set(filed)) == 20
    for base in bases:
        status, body = _call(base, "GET", f"/api/v1/complaints/{filed[0]}/", key)
        assert status == 200 and body["reference"] == filed[0]

    # The same Idempotency-Key to both instances at the same moment: one case.
    answers = []
    start = threading.Barrier(2)

    def file_on(base):
        start.wait()
        answers.append(
            _call(
                base,
                "POST",
                "/api/v1/complaints/",
                key,
                {
                    "customer": {"email": "twice@example.com", "name": "Twice"},
                    "subject": "Sent twice",
                    "description": "A retry raced the first attempt.",
                },
                {"Idempotency-Key": "order-77-complaint"},
            )
        )

    threads = [threading.Thread(target=file_on, args=(b,)) for b in bases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Case.objects.filter(subject="Sent twice").count() == 1
    statuses = sorted(status for status, _ in answers)
    # The loser either replays the first answer or is told to retry (409).
    assert statuses in ([201, 201], [201, 409]), answers

    # Two workers and two beats: each deadline fires once, each email once.
    cases = due_cases(team, 6)
    stack.worker("w1")
    stack.worker("w2")
    worker_ready(stack, "w1")
    worker_ready(stack, "w2")
    stack.beat("beat1")
    stack.beat("beat2")
    # The due cases' own emails (2 breaches to the lead, 2 escalations to the
    # manager each), beside the filings' confirmations and Triage notices.
    wait_until(
        lambda: (
            Outbox.objects.filter(case__in=cases).count() == 24
            and not Outbox.objects.exclude(status=OutboxStatus.SENT).exists()
        ),
        90,
        what="the due cases' 24 emails and every other sent",
    )
    assert_each_sent_once(stack.mail, Outbox.objects.count())
    assert Event.objects.filter(kind="escalated", case__in=cases).count() == 12
    both_worked = [name for name in ("w1", "w2") if "succeeded" in stack.log(name)]
    assert both_worked, "no worker ran a task"
