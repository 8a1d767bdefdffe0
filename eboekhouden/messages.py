"""User messages of the protocol errors. They are written in English and marked for the
translation catalog with ``gettext_noop``; the application that shows them installs its
translator once (``set_translator``), so this package needs no web framework."""

from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the catalog (the extractor knows this name); returns it as is."""
    return message


_translator: Callable[[str], str] = str


def set_translator(translator: Callable[[str], str]) -> None:
    """Use ``translator`` (e.g. Django's gettext) for every message shown from now on."""
    global _translator
    _translator = translator


def translate(message: str) -> str:
    return str(_translator(message))
