"""The REST client against the sandbox over real HTTP: a fresh account per test, a client whose
every HTTP answer is counted (a requests response hook), no faults left over."""

import itertools
import uuid

import pytest
from django.utils import translation

from eboekhouden.client import ApiToken, Credentials
from tests.eboekhouden.rest_helpers import CountingRestClient, make_client

_numbers = itertools.count(1)


@pytest.fixture
def rest_sandbox(sandbox):
    sandbox.reset()
    return sandbox


@pytest.fixture
def account(rest_sandbox) -> dict:
    return rest_sandbox.add_account(f"rest{next(_numbers)}-{uuid.uuid4().hex[:6]}@example.test")


@pytest.fixture
def token(account) -> ApiToken:
    return ApiToken(account["api_token"])


@pytest.fixture
def credentials(account) -> Credentials:
    return Credentials(account["username"], account["security_code_1"],
                       account["security_code_2"])


@pytest.fixture
def rest(rest_sandbox) -> CountingRestClient:
    return make_client(rest_sandbox)


@pytest.fixture
def session(rest, token):
    with rest.session(token) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _english_messages():
    # The client's user messages speak the active language: assert on the English msgids.
    with translation.override("en"):
        yield
