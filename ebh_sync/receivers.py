"""The sync listens to invoicing and connections; neither of them imports ebh_sync."""

from django.dispatch import receiver

from connections import signals as connection_signals
from ebh_sync import services
from invoicing import signals as invoicing_signals


@receiver(invoicing_signals.sales_invoice_finalized)
def on_sales_invoice_finalized(sender, invoice, **kwargs):
    services.job_for_sales_invoice(invoice=invoice)


@receiver(invoicing_signals.purchase_invoice_registered)
def on_purchase_invoice_registered(sender, invoice, **kwargs):
    services.job_for_purchase_invoice(invoice=invoice)


@receiver(connection_signals.credentials_restored)
def on_credentials_restored(sender, connection, **kwargs):
    services.connection_resume(connection=connection)


@receiver(connection_signals.disconnected)
def on_disconnected(sender, connection, **kwargs):
    services.connection_cancel_pending(connection=connection)
