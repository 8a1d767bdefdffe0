from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = _("Quotes")

    def ready(self) -> None:
        from invoicing.extensions import register_history_provider
        from quotes.history import quote_history

        register_history_provider(quote_history)
