"""`python manage.py refresh_dashboard [--all]`: bring the dashboard's facts up
to date — the cases changed since the last refresh, or with `--all` every
case (after a restore, a calendar change, or data loaded in bulk). Beat does
the first every minute and the second nightly; a refresh or rebuild already
at work is waited for.
"""

import time

from django.core.management.base import BaseCommand

from dashboards.facts import facts_rebuild, facts_refresh


class Command(BaseCommand):
    help = "Rewrite the dashboard facts of the changed cases (--all: every case)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rewrite every case.")

    def handle(self, *args, **options):
        started = time.monotonic()
        done = facts_rebuild() if options["all"] else facts_refresh(wait=True)
        took = time.monotonic() - started
        self.stdout.write(f"refreshed the facts of {done} cases in {took:.1f} s")
