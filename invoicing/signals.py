"""Events other apps may hang work on. Sent inside the service's transaction, so a
receiver's writes (for example a sync job) commit or roll back together with the event."""

from django.dispatch import Signal

# A sales invoice or credit note was finalized (argument: invoice).
sales_invoice_finalized = Signal()

# A received purchase invoice was registered (argument: invoice).
purchase_invoice_registered = Signal()

# A sales invoice became paid in full: by a payment registered here or read back from the
# accounting, or by a credit note for the rest (argument: invoice).
sales_invoice_paid = Signal()
