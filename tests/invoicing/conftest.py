import pytest

from config import celery_app


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    # Stored PDFs and uploads go to a throw-away directory; mail stays in django.core.mail.outbox.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _shipped_exchange_rates(settings, tmp_path):
    # The ECB rates the package ships, never a file a development run has downloaded.
    settings.ECB_RATES_FILE = str(tmp_path / "ecb" / "eurofxref-hist.zip")


@pytest.fixture(autouse=True)
def _eager_tasks():
    # Tasks run in-process here, whatever a browser-test stack earlier in the session set up.
    conf = celery_app.conf
    previous = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous
