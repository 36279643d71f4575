"""A minimal IMAP4rev1 server on 127.0.0.1 for tests: LOGIN, SELECT, UID SEARCH/FETCH/STORE.

Enough for imap-tools to log in, list unseen messages, fetch them and flag them
\\Seen. One folder, plain TCP, one user; it stops with the `with` block.
"""

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    user: str = "care"
    password: str = "secret"
    folder: str = "INBOX"
    messages: dict[int, bytes] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)
    commands: list[str] = field(default_factory=list)

    def add(self, raw: bytes) -> int:
        uid = max(self.messages, default=0) + 1
        self.messages[uid] = raw
        return uid


def _uids(spec: str, known: list[int]) -> list[int]:
    found = []
    for part in spec.split(","):
        if ":" in part:
            low, high = part.split(":")
            top = max(known, default=0) if high == "*" else int(high)
            found += [u for u in known if int(low) <= u <= top]
        elif part.isdigit() and int(part) in known:
            found.append(int(part))
    return found


class _Handler(socketserver.StreamRequestHandler):
    box: Mailbox

    def send(self, text: str | bytes) -> None:
        self.wfile.write(text.encode() if isinstance(text, str) else text)

    def handle(self) -> None:
        box = self.server.box  # type: ignore[attr-defined]
        self.send("* OK IMAP4rev1 test server ready\r\n")
        authed = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            box.commands.append(re.sub(r"(LOGIN \S+) .*", r"\1 ***", text))
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY IMAP4rev1 UIDPLUS\r\n{tag} OK done\r\n")
            elif command == "LOGIN":
                user, _, password = args.partition(" ")
                if user.strip('"') == box.user and password.strip('"') == box.password:
                    authed = True
                    self.send(f"{tag} OK LOGIN completed\r\n")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] bad credentials\r\n")
            elif command == "LOGOUT":
                self.send(f"* BYE bye\r\n{tag} OK LOGOUT completed\r\n")
                return
            elif not authed:
                self.send(f"{tag} NO login first\r\n")
            elif command in ("SELECT", "EXAMINE"):
                if args.strip('"') != box.folder:
                    self.send(f"{tag} NO no such folder\r\n")
                    continue
                self.send(
                    f"* {len(box.messages)} EXISTS\r\n* 0 RECENT\r\n"
                    "* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 1] ok\r\n"
                    f"{tag} OK [READ-WRITE] SELECT completed\r\n"
                )
            elif command == "EXPUNGE" or command == "NOOP":
                self.send(f"{tag} OK {command} completed\r\n")
            elif command == "UID":
                self._uid(tag, args, box)
            else:
                self.send(f"{tag} BAD unknown command\r\n")

    def _uid(self, tag: str, args: str, box: Mailbox) -> None:
        sub, _, rest = args.partition(" ")
        sub = sub.upper()
        known = sorted(box.messages)
        if sub == "SEARCH":
            uids = [
                u for u in known if "UNSEEN" not in rest.upper() or u not in box.seen
            ]
            self.send(
                f"* SEARCH {' '.join(map(str, uids))}\r\n{tag} OK SEARCH completed\r\n"
            )
        elif sub == "FETCH":
            spec, _, _items = rest.partition(" ")
            for uid in _uids(spec, known):
                raw = box.messages[uid]
                flags = "\\Seen" if uid in box.seen else ""
                self.send(
                    f"* {known.index(uid) + 1} FETCH (UID {uid} FLAGS ({flags}) "
                    f"RFC822.SIZE {len(raw)} BODY[] {{{len(raw)}}}\r\n"
                )
                self.send(raw)
                self.send(")\r\n")
            self.send(f"{tag} OK FETCH completed\r\n")
        elif sub == "STORE":
            spec, _, change = rest.partition(" ")
            for uid in _uids(spec, known):
                if change.upper().startswith("+FLAGS") and "\\SEEN" in change.upper():
                    box.seen.add(uid)
                self.send(
                    f"* {known.index(uid) + 1} FETCH (UID {uid} FLAGS (\\Seen))\r\n"
                )
            self.send(f"{tag} OK STORE completed\r\n")
        else:
            self.send(f"{tag} BAD unknown UID command\r\n")


class ImapServer:
    """`with ImapServer(box) as port:` serves `box` on 127.0.0.1:port."""

    def __init__(self, box: Mailbox) -> None:
        self.box = box
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.box = box  # type: ignore[attr-defined]

    def __enter__(self) -> int:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.server.server_address[1]

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
