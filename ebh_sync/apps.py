from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EbhSyncConfig(AppConfig):
    name = "ebh_sync"
    verbose_name = _("e-Boekhouden sync")

    def ready(self) -> None:
        from ebh_sync import receivers  # noqa: F401 (connects the signal receivers)
        from ebh_sync.selectors import (
            cost_centre_choices,
            difference_badges,
            invoice_badges,
            line_ledger_choices,
            module_invoice_rows,
        )
        from ebh_sync.start import start_page_items
        from invoicing.extensions import (
            register_badge_provider,
            register_cost_centre_choices_provider,
            register_external_invoice_provider,
            register_ledger_choices_provider,
            register_start_items_provider,
        )

        register_badge_provider(invoice_badges)
        register_badge_provider(difference_badges)
        register_ledger_choices_provider(line_ledger_choices)
        register_cost_centre_choices_provider(cost_centre_choices)
        register_start_items_provider(start_page_items)
        register_external_invoice_provider(module_invoice_rows)
