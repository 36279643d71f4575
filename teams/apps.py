from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams and roles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .locale import drop_empty_fallbacks, on_login

        user_logged_in.connect(on_login, dispatch_uid="teams.locale.on_login")
        drop_empty_fallbacks()
