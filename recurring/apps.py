from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecurringConfig(AppConfig):
    name = "recurring"
    verbose_name = _("Recurring invoices")

    def ready(self) -> None:
        from invoicing.extensions import (
            register_badge_provider,
            register_history_provider,
            register_start_items_provider,
        )
        from recurring.selectors import invoice_badges, invoice_history, start_items

        register_history_provider(invoice_history)
        register_badge_provider(invoice_badges)
        register_start_items_provider(start_items)
