from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        # Customers sit below the core: hand them the one case-visibility rule.
        from customers.selectors import case_scope_provide

        from .selectors import cases_visible_to

        case_scope_provide(cases_visible_to)
