"""Events of work orders. Sent inside the service's transaction, so a receiver's writes (for
example a sync job in the accounting outbox) commit or roll back together with the event."""

from django.dispatch import Signal

# A work order was set to "checked" (argument: work_order). A receiver that returns True takes
# the work order over: the accounting link will create the invoice in the accounting package's
# own invoicing module and later call services.work_order_invoice_externally_created. When no
# receiver returns True, our own invoicing makes (and finalizes) the invoice.
work_order_checked = Signal()
