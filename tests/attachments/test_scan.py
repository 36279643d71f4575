"""The virus-scan hook against a tiny fake clamd speaking INSTREAM."""

import socket
import struct
import threading

import pytest

from attachments.models import ScanStatus, Source
from attachments.selectors import attachment_for_staff
from attachments.services import attachment_add
from complaints.actors import Actor

from .samples import EICAR, PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("attachment_dir")]


class FakeClamd:
    """Answers INSTREAM like clamd: FOUND when the stream holds the EICAR string."""

    def __init__(self, path: str) -> None:
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.streams: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        command = self._exactly(conn, len(b"zINSTREAM\0"))
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._exactly(conn, 4))
            if length == 0:
                break
            data += self._exactly(conn, length)
        self.streams.append(data)
        found = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data
        conn.sendall(
            b"stream: Eicar-Test-Signature FOUND\0" if found else b"stream: OK\0"
        )

    @staticmethod
    def _exactly(conn: socket.socket, n: int) -> bytes:
        out = b""
        while len(out) < n:
            chunk = conn.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed early")
            out += chunk
        return out

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = FakeClamd(path)
    settings.CLAMD_SOCKET = path
    yield server
    server.close()


def test_a_clean_file_is_scanned_and_served(clamd, make_case, agent):
    case = make_case()
    attachment = attachment_add(
        case=case,
        file=upload("a.txt", b"hello there\n"),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.scan_status == ScanStatus.CLEAN
    assert clamd.streams == [b"hello there\n"]
    assert attachment_for_staff(agent, attachment.pk) == attachment


def test_an_infected_file_is_stored_but_quarantined(clamd, make_case, agent):
    case = make_case()
    attachment = attachment_add(
        case=case,
        file=upload("eicar.txt", EICAR),
        source=Source.API,
        by=Actor.system("test"),
    )
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.INFECTED
    assert attachment.scan_detail == "Eicar-Test-Signature"
    assert attachment.storage_name
    assert attachment_for_staff(agent, attachment.pk) is None


def test_an_unreachable_scanner_leaves_the_file_pending_and_unserved(
    settings, tmp_path, make_case, agent
):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    attachment = attachment_add(
        case=make_case(),
        file=upload("a.pdf", PDF),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.scan_status == ScanStatus.PENDING
    assert attachment_for_staff(agent, attachment.pk) is None


def test_an_infected_image_gets_no_thumbnail(clamd, make_case):
    from .samples import png_bytes

    data = png_bytes() + EICAR
    attachment = attachment_add(
        case=make_case(),
        file=upload("x.png", data),
        source=Source.API,
        by=Actor.system("test"),
    )
    assert attachment.scan_status == ScanStatus.INFECTED
    assert attachment.thumbnail_name == ""


def test_the_scanner_is_reached_over_tcp_too(settings, make_case):
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = FakeClamd.__new__(FakeClamd)
    server.server, server.streams = listener, []
    threading.Thread(target=server._serve, daemon=True).start()
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", port
    try:
        attachment = attachment_add(
            case=make_case(),
            file=upload("e.txt", EICAR),
            source=Source.API,
            by=Actor.system("test"),
        )
    finally:
        listener.close()
    assert attachment.scan_status == ScanStatus.INFECTED
