from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Payment reminders")

    def ready(self) -> None:
        from invoicing.extensions import register_history_provider, register_start_items_provider
        from reminders.selectors import reminder_history
        from reminders.start import start_items

        register_history_provider(reminder_history)
        register_start_items_provider(start_items)
