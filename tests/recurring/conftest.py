import pytest


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    # Finalized invoices store their PDF in a throw-away directory; mail stays in the outbox.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
