"""Benchmark: `manage.py ingest_email` over a generated Maildir, then again (duplicates).

    .venv/bin/python bench/ingest_email.py [--messages 10000]

Generates the messages into a temporary Maildir — new complaints from many
senders, replies threading onto them (In-Reply-To), HTML-only and Latin-1
bodies, auto-replies — and ingests it twice into the throwaway database
`redress_email_bench` (dropped and created afresh on the PostgreSQL of
DATABASE_URL's server). Prints messages/s of each run, the peak RSS of the
ingesting process (resource.getrusage of the children) and the core count.
"""

import argparse
import mailbox
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DB = "redress_email_bench"


def fresh_database() -> None:
    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    conn.close()


def message(n: int) -> bytes:
    """The n-th message: every tenth an auto-reply, two in ten replies, some HTML."""
    sender = f"customer{n // 5}@example.org"
    head = (
        f"From: Customer {n // 5} <{sender}>\r\nTo: care@example.com\r\n"
        f"Message-ID: <bench-{n}@example.org>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"
    )
    kind = n % 10
    if kind == 0:
        return (
            head + "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\n"
            "I am away.\r\n"
        ).encode()
    if kind in (1, 2):
        return (
            head
            + f"Subject: Re: complaint {n - kind}\r\nIn-Reply-To: <bench-{n - 1}@example.org>\r\n"
            f"\r\nA follow-up about my complaint.\r\n\r\nOn Monday, care wrote:\r\n> earlier\r\n"
        ).encode()
    if kind == 3:
        return (
            head
            + "Subject: HTML complaint\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            "<html><body><p>My order <b>never</b> came.</p><ul><li>Paid</li></ul></body></html>\r\n"
        ).encode()
    if kind == 4:
        return (
            head.encode()
            + (
                b"Subject: =?ISO-8859-1?Q?Probl=E8me?=\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
                b"\r\n"
            )
            + "Le colis est arrivé abîmé.\r\n".encode("latin-1")
        )
    return (
        head
        + f"Subject: Complaint {n}\r\n\r\nThe parcel {n} arrived broken. " * 1
        + "Please refund me.\r\n"
    ).encode()


def ingest(maildir: Path, env: dict[str, str]) -> tuple[float, Counter]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "ingest_email", str(maildir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, Counter(line.split()[0] for line in done.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    fresh_database()
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{BENCH_DB}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "localhost",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "INBOUND_EMAIL_RATE_LIMIT": "1000",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        maildir = Path(tmp) / "Maildir"
        box = mailbox.Maildir(maildir, create=True)
        for n in range(args.messages):
            box.add(message(n))
        size = sum(f.stat().st_size for f in (maildir / "new").iterdir())
        first, outcomes = ingest(maildir, env)
        rss_first = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        second, again = ingest(maildir, env)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    n = args.messages
    print(f"cores: {os.cpu_count()}  messages: {n}  maildir: {size / 1e6:.1f} MB")
    print(f"first run:  {first:7.1f} s  {n / first:7.0f} msgs/s  {dict(outcomes)}")
    print(f"second run: {second:7.1f} s  {n / second:7.0f} msgs/s  {dict(again)}")
    print(f"peak RSS of an ingest process: {max(rss_first, rss) / 1024:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
