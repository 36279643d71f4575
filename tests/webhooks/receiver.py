"""A webhook receiver for tests: an HTTP server on 127.0.0.1 in a thread.

It records every request (headers and body) and answers from a script of
`(status, delay_seconds)` pairs, then with `default` once the script runs out.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    at: float


@dataclass
class Receiver:
    script: list[tuple[int, float]] = field(default_factory=list)
    default: tuple[int, float] = (200, 0.0)
    answer_body: bytes = b"ok"
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def url_for(self, host: str) -> str:
        return f"http://{host}:{self.port}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next(self) -> tuple[int, float]:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                with receiver._lock:
                    receiver.received.append(
                        Received(dict(self.headers.items()), body, time.monotonic())
                    )
                code, delay = receiver._next()
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(code)
                    self.send_header("content-length", str(len(receiver.answer_body)))
                    self.end_headers()
                    self.wfile.write(receiver.answer_body)
                except OSError:  # the sender gave up waiting
                    pass

            def log_message(self, *args) -> None:
                pass

        return Handler
