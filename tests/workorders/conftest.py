import pytest


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    # Invoices finalized from work orders store their PDF in a throw-away directory.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def takeover():
    """A stand-in for the accounting link in "invoice in e-Boekhouden" mode: it takes every
    checked work order over (returns True) and remembers which ones it got."""
    from workorders.signals import work_order_checked

    taken = []

    def receiver(sender, work_order, **kwargs):
        taken.append(work_order.pk)
        return True

    work_order_checked.connect(receiver, weak=False, dispatch_uid="test-takeover")
    yield taken
    work_order_checked.disconnect(dispatch_uid="test-takeover")
