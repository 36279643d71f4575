"""`seed_demo`: load the demo (CONTRACT §10) and print the logins and API key.

Idempotent: run it as often as you like; see the `demo` app.
"""

from django.core.management.base import BaseCommand

from demo.seed import demo_seed


class Command(BaseCommand):
    help = "Load demo users, teams, policies, customers and cases; print the logins."

    def handle(self, *args, **options) -> None:
        report = demo_seed()
        self.stdout.write(
            f"Demo cases: {len(report.created)} created, {len(report.kept)} already there."
        )
        self.stdout.write(
            f"Email conversation (with a photo): case {report.email_thread}."
        )
        self.stdout.write("Log in at /accounts/login/ as:")
        for username, password in report.logins.items():
            self.stdout.write(f"  {username:<8} password: {password}")
        self.stdout.write(
            "Demo API client 'demo-shop' (complaints:write, complaints:read); "
            "the previous demo key is revoked. Key:"
        )
        self.stdout.write(report.api_key)
