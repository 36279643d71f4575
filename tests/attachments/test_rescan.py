"""`rescan_attachments`: files left pending while clamd was down get their verdict.

The scanner is a tiny clamd started by the test on a loopback TCP port,
answering INSTREAM with `stream: OK` or `stream: <signature> FOUND`.
"""

import socket
import socketserver
import struct
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from attachments.models import ScanStatus, Source
from attachments.selectors import attachment_for_staff
from attachments.services import attachment_add
from attachments.storage import attachment_storage
from complaints.actors import Actor
from complaints.models import EventKind

from .samples import EICAR, PDF, png_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]


def _exactly(conn: socket.socket, n: int) -> bytes:
    out = b""
    while len(out) < n:
        chunk = conn.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed early")
        out += chunk
    return out


class _Clamd(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        assert _exactly(self.request, 10) == b"zINSTREAM\0"
        data = b""
        while (length := struct.unpack("!L", _exactly(self.request, 4))[0]) != 0:
            data += _exactly(self.request, length)
        self.server.streams.append(data)
        found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
        self.request.sendall(
            b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0"
        )


@pytest.fixture
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scanner_down(settings, free_port):
    """CLAMD_HOST points at a loopback port nobody listens on (yet)."""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", free_port
    settings.CLAMD_TIMEOUT = 5
    return free_port


@pytest.fixture
def start_clamd(scanner_down):
    servers = []

    def start() -> socketserver.TCPServer:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", scanner_down), _Clamd)
        server.daemon_threads = True
        server.streams = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _add(case, name: str, data: bytes):
    return attachment_add(
        case=case, file=upload(name, data), source=Source.API, by=Actor.system("t")
    )


def _rescan(*args: str) -> list[str]:
    out = StringIO()
    call_command("rescan_attachments", *args, stdout=out)
    return out.getvalue().splitlines()


def test_pending_files_get_their_verdict_once_clamd_answers(
    scanner_down, start_clamd, make_case, agent
):
    case = make_case()
    photo = _add(case, "shade.png", png_bytes())
    virus = _add(case, "eicar.txt", EICAR)
    assert {photo.scan_status, virus.scan_status} == {ScanStatus.PENDING}
    assert photo.thumbnail_name == ""
    assert attachment_for_staff(agent, photo.pk) is None

    clamd = start_clamd()
    lines = _rescan()

    assert lines == [
        f"{photo.pk} clean",
        f"{virus.pk} infected Eicar-Test-Signature",
        "Rescanned: 1 clean, 1 infected.",
    ]
    assert len(clamd.streams) == 2 and EICAR in clamd.streams
    photo.refresh_from_db()
    virus.refresh_from_db()
    assert attachment_for_staff(agent, photo.pk) == photo
    assert photo.thumbnail_name and attachment_storage().exists(photo.thumbnail_name)
    assert virus.scan_status == ScanStatus.INFECTED
    assert attachment_for_staff(agent, virus.pk) is None
    verdicts = case.events.filter(kind=EventKind.ATTACHMENT_SCANNED)
    assert sorted(e.data["scan_status"] for e in verdicts) == ["clean", "infected"]
    assert {e.actor_label for e in verdicts} == {"system:rescan_attachments"}
    assert _rescan() == ["Rescanned: nothing pending."]


def test_while_clamd_is_still_down_files_keep_waiting(scanner_down, make_case):
    pending = _add(make_case(), "a.pdf", PDF)

    assert _rescan() == [
        f"{pending.pk} pending scanner unavailable",
        "Rescanned: 1 pending.",
    ]
    pending.refresh_from_db()
    assert pending.scan_status == ScanStatus.PENDING


def test_the_limit_takes_the_oldest_first(scanner_down, start_clamd, make_case):
    case = make_case()
    first, second = _add(case, "a.pdf", PDF), _add(case, "b.pdf", PDF)
    start_clamd()
    assert _rescan("--limit", "1") == [f"{first.pk} clean", "Rescanned: 1 clean."]
    second.refresh_from_db()
    assert second.scan_status == ScanStatus.PENDING


def test_without_a_scanner_the_command_refuses(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    with pytest.raises(CommandError, match="No virus scanner"):
        _rescan()
