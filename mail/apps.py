from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        # Anymail delivers provider webhooks as a signal: the interface edge.
        from anymail.signals import inbound

        from .anymail_inbound import anymail_inbound_received

        inbound.connect(anymail_inbound_received, dispatch_uid="mail.anymail_inbound")

        # Inbound emails in subject access exports and anonymisation.
        from records.sections import section_register

        from .records import SECTION

        section_register(SECTION)
