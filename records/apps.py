from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Retention and data rights"

    def ready(self) -> None:
        from complaints import hooks

        from .anonymise import refuse_reopening_anonymised

        hooks.register(hooks.Hook.STAGE_CHANGED, refuse_reopening_anonymised)
