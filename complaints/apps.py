from django.apps import AppConfig
from django.core import checks


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        # Customers sit below the core: hand them the one case-visibility rule.
        from customers.selectors import case_scope_provide

        from .selectors import cases_visible_to

        case_scope_provide(cases_visible_to)
        checks.register(currencies_check, checks.Tags.compatibility)


def currencies_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every code of the CURRENCIES setting must be ISO 4217."""
    from django.conf import settings

    from .bounds import ISO_4217

    unknown = [code for code in settings.CURRENCIES if code not in ISO_4217]
    if not unknown:
        return []
    return [
        checks.Error(
            f"CURRENCIES names codes that are not ISO 4217: {', '.join(unknown)}.",
            id="complaints.E001",
        )
    ]
