"""The sync listens to invoicing, work orders and connections; none of them imports ebh_sync."""

from django.dispatch import receiver

from connections import signals as connection_signals
from ebh_sync import services
from ebh_sync.models import ImportRun
from invoicing import signals as invoicing_signals
from workorders import signals as workorder_signals


@receiver(invoicing_signals.sales_invoice_finalized)
def on_sales_invoice_finalized(sender, invoice, **kwargs):
    services.job_for_sales_invoice(invoice=invoice)


@receiver(invoicing_signals.purchase_invoice_registered)
def on_purchase_invoice_registered(sender, invoice, **kwargs):
    services.job_for_purchase_invoice(invoice=invoice)


@receiver(workorder_signals.work_order_checked)
def on_work_order_checked(sender, work_order, **kwargs) -> bool:
    # True: we take the work order over (invoice-module mode) and confirm it when created.
    return services.job_for_work_order(work_order=work_order) is not None


@receiver(connection_signals.credentials_restored)
def on_credentials_restored(sender, connection, **kwargs):
    services.connection_resume(connection=connection)


@receiver(connection_signals.disconnected)
def on_disconnected(sender, connection, **kwargs):
    services.connection_cancel_pending(connection=connection)


@receiver(connection_signals.configured)
def on_configured(sender, connection, **kwargs):
    services.imports_start_all(connection=connection, trigger=ImportRun.Trigger.CONNECT)
