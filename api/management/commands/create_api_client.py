"""`create_api_client NAME [--user USERNAME] [--scopes …]`: print a new key once."""

from django.core.management.base import BaseCommand, CommandError

from api.models import Scope
from api.services import api_client_create
from teams.actors import Actor

ACTOR = Actor.system("create_api_client")


class Command(BaseCommand):
    help = "Create an API client and print its key once, alone on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--user", dest="username", default=None)
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=None,
            metavar="SCOPE",
            help=(
                f"any of {', '.join(Scope.values)}; a user's key acts within them "
                "(default: all for a user's key, complaints:write and "
                "complaints:read for a service client)"
            ),
        )

    def handle(self, *args, name: str, username: str | None, scopes, **options) -> None:
        try:
            client, key = api_client_create(
                name=name, username=username, scopes=scopes, by=ACTOR
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        acting = f"acting as {username}" if username else "service client"
        self.stdout.write(
            f"API client {client.name!r} ({acting}; scopes: {', '.join(client.scopes)}).\n"
            "The key is shown once; store it now:"
        )
        self.stdout.write(key)
