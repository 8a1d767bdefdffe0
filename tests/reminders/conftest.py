import pytest


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    # Stored PDFs go to a throw-away directory; mail stays in django.core.mail.outbox.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def english(user_a):
    """Pages in English (the user's own language setting), whatever the Dutch catalog holds."""
    user_a.language = "en"
    user_a.save(update_fields=["language"])
    return user_a
