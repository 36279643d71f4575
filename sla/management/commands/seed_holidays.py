"""`manage.py seed_holidays CALENDAR [--country GB] [--subdivision ENG] [--years …]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sla.models import Calendar
from sla.services import calendar_seed_holidays


class Command(BaseCommand):
    help = "Add public holidays from the `holidays` package to a business calendar."

    def add_arguments(self, parser) -> None:
        parser.add_argument("calendar", help="The calendar's name.")
        parser.add_argument("--country", default="", help="ISO 3166 code, e.g. GB.")
        parser.add_argument("--subdivision", default="", help="e.g. ENG, or CA.")
        parser.add_argument(
            "--years",
            nargs="+",
            type=int,
            help="Years to add (default: this year and next).",
        )

    def handle(self, *args, calendar: str, **opts) -> None:
        try:
            target = Calendar.objects.get(name=calendar)
        except Calendar.DoesNotExist as exc:
            raise CommandError(f"No calendar named {calendar!r}.") from exc
        year = timezone.now().year
        years = opts["years"] or [year, year + 1]
        try:
            added = calendar_seed_holidays(
                calendar=target,
                years=years,
                country=opts["country"],
                subdivision=opts["subdivision"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{added} holiday(s) added to {target.name} for {', '.join(map(str, years))}."
        )
