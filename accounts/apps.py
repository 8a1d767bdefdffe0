from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organizations")

    def ready(self) -> None:
        from accounts.start import two_factor_notice
        from invoicing.extensions import register_start_items_provider

        register_start_items_provider(two_factor_notice, per_user=True)
