from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eboekhouden.messages import set_translator


class ConnectionsConfig(AppConfig):
    name = "connections"
    verbose_name = _("Connections")

    def ready(self) -> None:
        from connections import checks  # noqa: F401  (registers the start-up checks)

        # The protocol package's error messages are shown in the user's language.
        set_translator(gettext)
