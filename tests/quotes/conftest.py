import pytest
from django.utils import translation

from tests.invoicing.conftest import _eager_tasks, _media_and_mail  # noqa: F401 - autouse


@pytest.fixture(autouse=True)
def _english_messages():
    # Services called directly speak the active language: assert on the English msgids.
    with translation.override("en"):
        yield
