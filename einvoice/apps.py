from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EinvoiceConfig(AppConfig):
    name = "einvoice"
    verbose_name = _("E-invoices")

    def ready(self) -> None:
        from einvoice.attachments import ubl_attachments
        from invoicing.extensions import register_email_attachment_provider

        register_email_attachment_provider(ubl_attachments)
