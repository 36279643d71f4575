"""`rescan_attachments`: give each file still waiting for a virus scan its verdict.

One line per file (`<id> clean`, `<id> infected <signature>`, `<id> pending
<why>`), then a summary. Exit 0; a CommandError when no scanner is configured
(CLAMD_SOCKET or CLAMD_HOST), since nothing could change.
"""

from django.core.management.base import BaseCommand, CommandError

from attachments import scan
from attachments.rescan import attachment_rescan, attachments_pending
from complaints.actors import Actor

ACTOR = Actor.system("rescan_attachments")


class Command(BaseCommand):
    help = "Scan again the attachments left pending while the virus scanner was down."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=1000,
            help="Scan at most this many files (oldest first; default 1000).",
        )

    def handle(self, *args, limit: int, **options) -> None:
        if not scan.scanner_configured():
            raise CommandError(
                "No virus scanner configured (CLAMD_SOCKET, CLAMD_HOST)."
            )
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        counts: dict[str, int] = {}
        for attachment in attachments_pending()[:limit]:
            result = attachment_rescan(attachment=attachment, by=ACTOR)
            counts[result.status] = counts.get(result.status, 0) + 1
            self.stdout.write(result.line())
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(f"Rescanned: {summary or 'nothing pending'}.")
