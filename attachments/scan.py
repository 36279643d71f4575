"""The optional virus scan: clamd's INSTREAM command over a socket.

Enabled by settings.CLAMD_SOCKET (a Unix socket path) or CLAMD_HOST (with
CLAMD_PORT, default 3310). The protocol: send `zINSTREAM\\0`, then the file as
chunks each prefixed by its length (4 bytes, network order), then a zero
length; clamd answers `stream: OK`, `stream: <signature> FOUND` or
`... ERROR`, ended by a NUL byte.
"""

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScanUnavailable(Exception):
    """clamd could not be reached or did not answer sensibly."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    detail: str  # the signature when infected, else ""


def scanner_configured() -> bool:
    return bool(
        getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", "")
    )


def scan(stream: BinaryIO) -> Verdict:
    """Send `stream` (from its current position) to clamd; raise ScanUnavailable."""
    try:
        with _connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = _read_reply(conn)
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    return _verdict(reply)


def _connect() -> socket.socket:
    timeout = getattr(settings, "CLAMD_TIMEOUT", 30)
    path = getattr(settings, "CLAMD_SOCKET", "")
    if path:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        conn.connect(path)
        return conn
    address = (settings.CLAMD_HOST, getattr(settings, "CLAMD_PORT", 3310))
    return socket.create_connection(address, timeout=timeout)


def _read_reply(conn: socket.socket) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY:
        data = conn.recv(1024)
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _verdict(reply: str) -> Verdict:
    body = reply.split(":", 1)[1].strip() if ":" in reply else reply
    if body == "OK":
        return Verdict(infected=False, detail="")
    if body.endswith(" FOUND"):
        return Verdict(infected=True, detail=body.removesuffix(" FOUND")[:200])
    raise ScanUnavailable(f"clamd answered {reply[:200]!r}")
