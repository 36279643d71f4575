"""The soak's load: API clients filing and working complaints, customers replying
by email, and the local webhook receiver. Used by `soak.py`.
"""

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from soak_stack import WEB_PORTS, Stack


class Load:
    """Clients working complaints through the round-robin, with their timings."""

    def __init__(self, keys: dict, windows: list) -> None:
        self.keys, self.windows = keys, windows
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.errors_outside: list[str] = []
        self.unavailable_inside = 0
        self.unclean_inside: list[str] = []
        self.filed: dict[str, str] = {}  # idempotency key -> reference
        self.lock = threading.Lock()
        self.turn = 0

    def call(self, method: str, path: str, key: str, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(len(WEB_PORTS)):
            with self.lock:
                self.turn += 1
                port = WEB_PORTS[(self.turn + attempt) % len(WEB_PORTS)]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                data=data,
                method=method,
                headers={
                    "Authorization": f"Token {key}",
                    "Content-Type": "application/json",
                    **(headers or {}),
                },
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, payload = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, payload = error.code, error.read()
            except OSError:
                continue  # the balancer tries the other instance
            self.record(status, time.perf_counter() - started, f"{method} {path}")
            try:
                return status, json.loads(payload or b"null")
            except ValueError:
                return status, None
        return 0, None

    def record(self, status: int, seconds: float, what: str) -> None:
        now = time.monotonic()
        inside = any(start <= now <= end for start, end in self.windows)
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                if inside and status == 503:
                    self.unavailable_inside += 1
                elif inside:
                    self.unclean_inside.append(f"{status} {what}")
                else:
                    self.errors_outside.append(f"{status} {what}")

    def client(self, until: float, n: int) -> None:
        i = 0
        while time.monotonic() < until:
            i += 1
            idem = f"soak-{n}-{i}-{uuid.uuid4().hex[:6]}"
            body = {
                "customer": {"email": f"c{n}x{i}@example.com", "name": f"C {n}/{i}"},
                "subject": f"Soak complaint {n}/{i}",
                "description": "It broke during the soak.",
                "category": "soak",
            }
            for _ in range(5):  # retried with the same key until it lands
                status, case = self.call(
                    "POST",
                    "/api/v1/complaints/",
                    self.keys["service"],
                    body,
                    {"Idempotency-Key": idem},
                )
                if status == 201:
                    with self.lock:
                        self.filed[idem] = case["reference"]
                    break
                time.sleep(1)
            else:
                continue
            reference = case["reference"]
            self.call("GET", f"/api/v1/complaints/{reference}/", self.keys["service"])
            if i % 3 == 0:
                self.call(
                    "PATCH",
                    f"/api/v1/complaints/{reference}/",
                    self.keys["lead"],
                    {"assignee": "lead"},
                )
                self.call(
                    "POST",
                    f"/api/v1/complaints/{reference}/messages/",
                    self.keys["lead"],
                    {"body": "We are looking into it today.", "visibility": "customer"},
                )
            self.call("GET", "/api/v1/complaints/?page_size=20", self.keys["lead"])


class Receiver(BaseHTTPRequestHandler):
    seen: Counter = Counter()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.seen[self.headers.get("webhook-id", "?")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def replies(stack: Stack, load: Load, until: float, maildir: Path) -> Counter:
    """Customers answer by email every 15 s through `ingest_email`, when it exists."""
    outcomes: Counter = Counter()
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    while time.monotonic() < until:
        time.sleep(15)
        with load.lock:
            references = list(load.filed.values())[-5:]
        for reference in references:
            message = EmailMessage()
            message["From"] = "customer@example.com"
            message["To"] = "care@example.com"
            message["Subject"] = f"Re: [{reference}] your complaint"
            message["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example>"
            message.set_content("Thank you, any news?")
            (maildir / "new" / f"{uuid.uuid4().hex}.eml").write_bytes(
                message.as_bytes()
            )
        done = stack.manage("ingest_email", str(maildir))
        for line in done.stdout.splitlines():
            outcomes[line.split(" ")[0].rstrip(":")] += 1
    return outcomes
