"""Keep webhook requests away from the server's own network (SSRF guard).

Only `http(s)` URLs are accepted. Unless private destinations are allowed
(`DEBUG` on, or `WEBHOOK_ALLOW_PRIVATE=1`), a URL whose host resolves to a
loopback, private, link-local, multicast, reserved or otherwise non-global
address is refused when a client subscribes, and checked again at every
connection: the sending session resolves the name once, refuses it if any
address is not public, and connects to the checked address itself (TLS still
verifies the host name), so a DNS answer that changes after subscribing (DNS
rebinding) cannot reach inside. Redirects are not followed and proxies from
the environment are ignored.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

SCHEMES = ("http", "https")


class UnsafeDestination(ValueError):
    """The URL, or the address its host resolves to, is not allowed."""


def private_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback
    )


def resolve(host: str, port: int) -> list[tuple[int, str]]:
    """Resolve `host`; return (family, address) pairs, all checked unless allowed.

    Raises UnsafeDestination when any address is not public (unless private
    destinations are allowed), socket.gaierror when the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = []
    for family, _, _, _, sockaddr in infos:
        pair = (family, sockaddr[0])
        if pair not in found:
            found.append(pair)
    if not private_allowed():
        for _, address in found:
            if not is_public(address):
                raise UnsafeDestination(
                    f"{host} resolves to {address}, which is not a public address."
                )
    return found


def url_check(url: str) -> str:
    """Return `url` if a subscription may use it; raise UnsafeDestination if not."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeDestination(f"Not a valid URL: {exc}.") from None
    if parts.scheme not in SCHEMES:
        raise UnsafeDestination("Only http and https URLs are accepted.")
    if not parts.hostname:
        raise UnsafeDestination("The URL needs a host.")
    if private_allowed():
        return url
    try:
        resolve(parts.hostname, port)
    except (socket.gaierror, UnicodeError):
        raise UnsafeDestination(f"{parts.hostname} does not resolve.") from None
    return url


class _GuardedConnectionMixin:
    """Resolve and check the host, then connect to a checked address."""

    def _new_conn(self):
        try:
            addresses = resolve(self.host, self.port)
        except socket.gaierror as exc:
            raise NewConnectionError(self, f"Name does not resolve: {exc}") from exc
        error: OSError | None = None
        for _, address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                error = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out ({exc})."
                )
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to connect: {exc}")
        raise error or NewConnectionError(self, "No address to connect to.")


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to checked addresses."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def session_new() -> requests.Session:
    """A session for webhook requests: guarded, no env proxies, no redirects."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
