import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Kept e-invoices and attachments go to a throw-away directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (the Dutch catalog is checked once, in the views' test).
    with translation.override("en"):
        yield
