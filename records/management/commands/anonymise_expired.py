"""`python manage.py anonymise_expired [--dry-run] [--at ISO-8601]`: one pass."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from complaints.actors import Actor
from records.jobs import anonymise_expired


class Command(BaseCommand):
    help = (
        "Anonymise the closed cases past their retention (never held ones) and "
        "the customers left with only anonymised cases; print each."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what it would do only."
        )
        parser.add_argument("--at", help="As of this instant (ISO 8601), not now.")

    def handle(self, *args, dry_run: bool = False, at: str | None = None, **options):
        now = None
        if at:
            now = parse_datetime(at)
            if now is None or now.tzinfo is None:
                raise CommandError("--at needs an ISO 8601 instant with its offset.")
        done = anonymise_expired(
            now=now, dry_run=dry_run, by=Actor.system("anonymise_expired")
        )
        for line in done.lines:
            self.stdout.write(line)
        what = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(f"{what} {done.cases} case(s), {done.customers} customer(s)")
