"""Profile filing in-process: where one API create spends its CPU.

    .venv/bin/pip install pyinstrument   # in the test extras
    .venv/bin/python bench/profile_create.py [--creates 300] [--idem] [--html out.html]

Runs on the bench database (`bench/api_support.py`), warms up, then files
`--creates` complaints through the Django test client under pyinstrument and
prints the call tree (or writes HTML), with the CPU ms per create.
"""

import argparse
import os
import time
import uuid

from api_create import body, ensure_policy
from api_support import issue_key, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--idem", action="store_true")
    parser.add_argument("--html")
    args = parser.parse_args()
    setup_django()
    ensure_policy()
    from django.test import Client
    from pyinstrument import Profiler

    key = issue_key(name="profile create")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")

    def create(n: int) -> None:
        extra = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if args.idem else {}
        response = client.post(
            "/api/v1/complaints/",
            body(f"{n}-{uuid.uuid4().hex[:8]}"),
            content_type="application/json",
            **extra,
        )
        assert response.status_code == 201, response.content

    for n in range(20):
        create(n)
    profiler = Profiler(interval=0.0005)
    cpu = time.process_time()
    profiler.start()
    for n in range(args.creates):
        create(n)
    profiler.stop()
    spent = (time.process_time() - cpu) * 1000 / args.creates
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(
        f"cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}: "
        f"{spent:.2f} CPU ms/create (profiled) over {args.creates} creates"
    )


if __name__ == "__main__":
    main()
