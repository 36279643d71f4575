"""`manage.py ingest_email SOURCE [SOURCE ...]` — file customer mail (CONTRACT §12).

One line per message on standard output; exit 0 unless a source cannot be
read at all (the others are still read).
"""

from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from mail.services import inbound_email_ingest
from mail.sources import SourceUnreadable, read_imap, read_source
from notifications.outbox import outbox_publish_deferred


class Command(BaseCommand):
    help = (
        "File customer email from Maildir folders, mbox files, message files or IMAP."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("sources", nargs="*", metavar="SOURCE")
        parser.add_argument(
            "--imap",
            action="append",
            default=[],
            metavar="URL",
            help="imaps://user:password@host/FOLDER; what is taken is marked \\Seen.",
        )

    def handle(
        self, *args: Any, sources: list[str], imap: list[str], **options: Any
    ) -> None:
        if not sources and not imap:
            raise CommandError("Give at least one SOURCE or --imap URL.")
        unreadable = []
        readers = [(s, lambda s=s: read_source(s)) for s in sources]
        readers += [(_safe(url), lambda url=url: read_imap(url)) for url in imap]
        with outbox_publish_deferred():  # confirmations queued in chunks
            for name, reader in readers:
                try:
                    for item in reader():
                        self._one(item)
                except SourceUnreadable as exc:
                    unreadable.append(name)
                    self.stderr.write(f"cannot read {exc}")
        if unreadable:
            raise CommandError(f"could not read: {', '.join(unreadable)}")

    def _one(self, item: Any) -> None:
        if item.raw is None:
            self.stdout.write(f"refused: {item.error}")
            return
        result = inbound_email_ingest(raw=item.raw, source=item.label)
        self.stdout.write(result.line())
        if item.done is not None:  # stored (or already stored): mark it taken
            try:
                item.done()
            except Exception as exc:  # the message is stored; marking is a courtesy
                self.stderr.write(f"could not mark {item.label}: {exc}")


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.username or ''}@{parts.hostname}{parts.path}"
