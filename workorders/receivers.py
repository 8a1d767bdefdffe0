"""Work orders listen to invoicing; invoicing does not know work orders exist."""

from django.dispatch import receiver

from invoicing import signals as invoicing_signals
from workorders import services


@receiver(invoicing_signals.sales_invoice_finalized)
def on_sales_invoice_finalized(sender, invoice, **kwargs):
    # Also when the user finalizes a work order's draft invoice by hand after fixing it.
    services.work_order_invoice_finalized(invoice=invoice)
