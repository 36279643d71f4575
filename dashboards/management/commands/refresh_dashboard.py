"""`python manage.py refresh_dashboard`: repair the dashboard's stored durations.

Recomputes every case's business-hours durations that are missing or out of
date (after a restore, a calendar change, or data loaded in bulk). The
dashboard refreshes recently changed cases itself; run this nightly as well.
"""

from django.core.management.base import BaseCommand

from dashboards.services import durations_refresh


class Command(BaseCommand):
    help = "Recompute missing or stale business-hours durations of cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Recompute every case, stale or not."
        )

    def handle(self, *args, **options):
        if options["all"]:
            from dashboards.models import CaseDurations

            CaseDurations.objects.all().delete()
        done = durations_refresh()
        self.stdout.write(f"recomputed the durations of {done} cases")
