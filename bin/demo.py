"""`make demo`'s supervisor: web, worker and beat in the foreground, stopped together.

Runs the three processes of `Procfile.demo`, prefixes their output with their
names, and once the web answers and the worker and beat have started, prints
the address and the demo logins again (they scroll away under the banners).
Ctrl-C, SIGTERM, or the death of the process that started it (`make` killed
on its own) stops all three: terminated first, killed if they linger.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY = {
    "web": None,  # answered by /healthz
    "worker": re.compile(r"celery@\S+ ready"),
    "beat": re.compile(r"beat: Starting"),
}


def procfile() -> dict[str, str]:
    """The demo's processes, with ${VAR:-default} filled from the environment."""
    commands = {}
    for line in (ROOT / "Procfile.demo").read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = re.sub(
                r"\$\{(\w+):-([^}]*)\}",
                lambda m: os.environ.get(m.group(1), m.group(2)),
                command.strip(),
            )
    return commands


class Supervisor:
    def __init__(self, banner: str) -> None:
        self.banner = banner
        self.procs: dict[str, subprocess.Popen] = {}
        self.started: set[str] = set()
        self.stopping = threading.Event()
        self.parent = os.getppid()
        self.port = os.environ.get("DEMO_PORT", "8000")

    def start(self) -> None:
        for name, command in procfile().items():
            proc = subprocess.Popen(  # noqa: S602 - the project's own Procfile
                command,
                shell=True,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                start_new_session=True,
            )
            self.procs[name] = proc
            threading.Thread(target=self.relay, args=(name, proc), daemon=True).start()

    def relay(self, name: str, proc: subprocess.Popen) -> None:
        pattern = READY.get(name)
        for line in proc.stdout:
            print(f"{name:<7}| {line}", end="", flush=True)
            if pattern is not None and pattern.search(line):
                self.started.add(name)

    def web_up(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/healthz"
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: self.stopping.set())
        self.start()
        announced = False
        while not self.stopping.is_set():
            if os.getppid() != self.parent:  # make was killed on its own
                break
            if any(proc.poll() is not None for proc in self.procs.values()):
                print("demo  | a process stopped; stopping the others", flush=True)
                break
            if not announced and self.started >= {"worker", "beat"} and self.web_up():
                print(self.banner, flush=True)
                announced = True
            self.stopping.wait(0.5)
        self.stop()
        return 0

    def stop(self) -> None:
        # Each process leads its own group (start_new_session): the shell the
        # Procfile line runs in may exit at once while what it started (a
        # worker in a warm shutdown) lingers, so wait on the groups, not the
        # shells, and kill whatever of them is left at the deadline.
        groups = [proc.pid for proc in self.procs.values()]
        for group in groups:
            _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(map(_group_alive, groups)):
            for proc in self.procs.values():
                proc.poll()  # reap an exited shell so its group can empty
            time.sleep(0.2)
        for group in groups:
            _signal_group(group, signal.SIGKILL)
        for proc in self.procs.values():
            proc.wait()
        print("demo  | web, worker and beat stopped", flush=True)


def _signal_group(group: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> int:
    seed = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(seed.stdout, end="", flush=True)
    if seed.returncode != 0:
        print(seed.stderr, file=sys.stderr)
        return seed.returncode
    port = os.environ.get("DEMO_PORT", "8000")
    banner = "\n".join(
        [
            "",
            "=" * 72,
            f"Redress runs on http://127.0.0.1:{port}/ with its worker and beat.",
            seed.stdout.strip(),
            "Ctrl-C stops web, worker and beat.",
            "=" * 72,
        ]
    )
    return Supervisor(banner).run()


if __name__ == "__main__":
    sys.exit(main())
