import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # PDFs of finalized invoices and uploads go to a throw-away directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")
