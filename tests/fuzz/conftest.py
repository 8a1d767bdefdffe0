"""The fuzz tests reuse the fixtures of the suites whose views and services they hit."""

import pytest

from tests.ebh_sandbox.conftest import account, api, sb, service, zeep_client  # noqa: F401
from tests.invoicing.conftest import _eager_tasks, _media_and_mail  # noqa: F401
from tests.invoicing.factories import make_customer


@pytest.fixture
def customer(org_a):
    return make_customer(org_a)


@pytest.fixture(autouse=True)
def _volume_is_not_the_subject(settings):
    """A fuzz test posts hundreds of hostile examples within one test, from one address and
    user: what it checks is the answer to bad input, not to volume. The rate limits have
    their own tests (tests/security/test_rate_limits.py)."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "1000000/h")
