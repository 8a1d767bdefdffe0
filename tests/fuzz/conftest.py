"""The fuzz tests reuse the fixtures of the suites whose views and services they hit."""

import pytest

from tests.ebh_sandbox.conftest import account, api, sb, service, zeep_client  # noqa: F401
from tests.invoicing.conftest import _eager_tasks, _media_and_mail  # noqa: F401
from tests.invoicing.factories import make_customer


@pytest.fixture
def customer(org_a):
    return make_customer(org_a)
