"""`make demo` boots as a new user would run it: web, worker and beat, demo logins work."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def _login(base: str, username: str, password: str) -> str:
    """Log in through the real form; return the page the login lands on."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar())
    )
    form = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/"}
    )
    with opener.open(request, timeout=10) as response:
        return response.geturl()


def test_make_demo_serves_the_app_with_worker_and_beat(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.pop("SITE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path}/demo.sqlite3",
        DEMO_PORT=str(port),
        PYTHONUNBUFFERED="1",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    log = (tmp_path / "demo.log").open("w+")
    process = subprocess.Popen(
        ["make", "demo"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(f"{base}/healthz", 180), (tmp_path / "demo.log").read_text()[
            -3000:
        ]
        output = (tmp_path / "demo.log").read_text()
        for username in ("agent", "lead", "manager"):
            password = re.search(rf"{username}\s+password:\s*(\S+)", output).group(1)
            landed = _login(base, username, password)
            assert "/accounts/login/" not in landed, f"{username} could not log in"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            output = (tmp_path / "demo.log").read_text()
            if re.search(r"celery@\S+ ready", output) and "beat: Starting" in output:
                break
            time.sleep(1)
        assert re.search(r"celery@\S+ ready", output), output[-3000:]
        assert "beat: Starting" in output, output[-3000:]
        assert process.poll() is None, "make demo stopped by itself"
        # Once all three are up, the address and logins are printed again.
        banner = _wait_for_text(tmp_path / "demo.log", "Redress runs on", 30)
        tail = banner[banner.rindex("Redress runs on") :]
        assert f"http://127.0.0.1:{port}/" in tail
        assert re.search(r"manager\s+password:", tail)
        # The worker sends the demo's emails; their links use the demo's port.
        links = _wait_for_mail(tmp_path / "mail", "/status/", 60)
        assert f"http://127.0.0.1:{port}/status/" in links
        assert "127.0.0.1:8000" not in links or port == 8000
    finally:
        # SIGTERM to make alone (not its group), as a service manager would.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode is not None
    # Web, worker and beat are gone too, though make was killed on its own.
    marker = str(tmp_path)
    # A worker's warm shutdown may take its time on a busy machine; the
    # supervisor kills what is left after 10 s.
    assert _wait_until_gone(marker, 60) == [], "demo processes left running"


def _wait_for_text(path: Path, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = path.read_text()
        if text in content:
            return content
        time.sleep(0.5)
    raise AssertionError(path.read_text()[-3000:])


def _wait_for_mail(folder: Path, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [
            p.read_text(errors="replace")
            for p in (folder.glob("*") if folder.exists() else [])
        ]
        hits = [mail for mail in found if text in mail]
        if hits:
            return "\n".join(hits)
        time.sleep(1)
    raise AssertionError(f"no email with {text!r} in {folder}")


def _processes_with(marker: str) -> list[int]:
    """Pids whose environment names `marker` (the test's own folder)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def _wait_until_gone(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = _processes_with(marker)
        if not left:
            return []
        time.sleep(0.5)
    return _processes_with(marker)
