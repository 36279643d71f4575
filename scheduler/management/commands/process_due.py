"""`manage.py process_due [--at ISO-8601]`: one synchronous due pass (CONTRACT §6)."""

from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.bounds import moment_problem
from notifications.services import STALE_AFTER
from scheduler.engine import due_pass


class Command(BaseCommand):
    help = (
        "Run one pass of everything due (warnings, escalations, follow-up "
        "reminders) as of now or --at, deliver the emails it wrote (and any "
        "left pending) inline, and print what it did."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--at",
            help="The instant to run the pass as of (ISO 8601; naive means UTC).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Leave delivery to the Celery worker instead of sending inline.",
        )
        parser.add_argument(
            "--stale-after",
            type=float,
            default=STALE_AFTER.total_seconds(),
            help="Also deliver emails left pending this many seconds (default 180).",
        )

    def handle(self, *args, at: str | None = None, enqueue: bool = False, **opts):
        now = _parse(at) if at else timezone.now()
        report = due_pass(
            now=now,
            deliver="enqueue" if enqueue else "inline",
            stale_after=timedelta(seconds=max(opts["stale_after"], 0)),
        )
        for line in report.lines:
            self.stdout.write(line)
        delivered = ", ".join(f"{k} {v}" for k, v in report.delivered.items() if v)
        self.stdout.write(
            f"due pass at {now.isoformat()}: {report.warnings} warning(s), "
            f"{report.breaches} breach(es), {report.escalations} escalation(s) "
            f"to managers, {report.reminders} follow-up reminder(s), "
            f"{report.followup_escalations} overdue follow-up(s), "
            f"{report.errors} error(s); emails: {delivered or 'none sent'}"
            f"{'' if not enqueue else ' (queued for the worker)'}; "
            f"{report.requeued} pending email(s) queued again"
        )


def _parse(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--at: not an ISO 8601 instant: {value!r}") from exc
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    if moment_problem(moment):
        raise CommandError(f"--at: {moment_problem(moment)}")
    return moment
