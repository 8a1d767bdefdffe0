import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Kept e-invoices and attachments go to a throw-away directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")
