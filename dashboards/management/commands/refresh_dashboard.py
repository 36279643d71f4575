"""`python manage.py refresh_dashboard`: repair what the dashboard stores.

Recomputes every case's business-hours durations that are missing or out of
date (after a restore, a calendar change, or data loaded in bulk), and on
PostgreSQL rebuilds the rollup tables from the cases. The dashboard refreshes
recently changed cases itself; beat runs this nightly as well.
"""

import time

from django.core.management.base import BaseCommand

from dashboards.rollups.refresh import rollups_enabled, rollups_rebuild
from dashboards.services import durations_refresh


class Command(BaseCommand):
    help = "Recompute stale business-hours durations and rebuild the rollups."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Recompute every case, stale or not."
        )
        parser.add_argument(
            "--rollups",
            action="store_true",
            help="Only rebuild the rollups (leave the durations alone).",
        )

    def handle(self, *args, **options):
        if not options["rollups"]:
            if options["all"]:
                from dashboards.models import CaseDurations

                CaseDurations.objects.all().delete()
            done = durations_refresh()
            self.stdout.write(f"recomputed the durations of {done} cases")
        if rollups_enabled():
            started = time.monotonic()
            rebuilt = rollups_rebuild()
            self.stdout.write(
                f"rebuilt the rollups of {rebuilt.cases} cases over {rebuilt.days} "
                f"days in {time.monotonic() - started:.1f} s"
            )
