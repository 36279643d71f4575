"""The agents' workspace; it listens to the event stream to keep live pages cheap."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Agent workspace"

    def ready(self) -> None:
        from complaints.events import ALL, subscribe

        from .selectors.live import changes_note

        subscribe(ALL, changes_note)
