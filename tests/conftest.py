import os

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from config import celery_app
from tests.factories import make_organization, make_user


def pytest_configure(config):
    # Unit tests run tasks in-process; tests that need a real worker start one themselves.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    _own_redis_database(config)


def _own_redis_database(config) -> None:
    """Under pytest-xdist (``make test`` runs two workers) each worker has a test database of
    its own (pytest-django) and here a Redis database of its own too: tests clear the cache,
    and must not clear another worker's. Processes a test starts inherit it."""
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    url = os.environ.get("REDIS_URL", "")
    if not worker or not url:
        return
    base, _slash, number = url.rpartition("/")
    own = f"{base}/{int(number or 0) + int(worker.removeprefix('gw'))}"
    os.environ["REDIS_URL"] = own
    settings.REDIS_URL = own
    settings.CACHES["default"]["LOCATION"] = own


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (e.g. no sync wake-up marks of another test)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Dutch): a request as a user who chose English
    activates English for the thread, as a server does per request, and nothing undoes it
    between tests."""
    translation.deactivate()


@pytest.fixture
def user_a(db):
    return make_user("alice@example.test", full_name="Alice Owner")


@pytest.fixture
def user_b(db):
    return make_user("bob@example.test", full_name="Bob Other")


@pytest.fixture
def org_a(user_a):
    return make_organization("Alpha B.V.", owner=user_a)


@pytest.fixture
def org_b(user_b):
    return make_organization("Beta V.O.F.", owner=user_b, kvk_number="87654321")


@pytest.fixture
def client_a(org_a, user_a) -> Client:
    client = Client()
    client.force_login(user_a)
    return client


@pytest.fixture
def client_b(org_b, user_b) -> Client:
    client = Client()
    client.force_login(user_b)
    return client


# --- the e-Boekhouden sandbox over real HTTP -------------------------------------------------


@pytest.fixture(scope="session")
def sandbox():
    """One sandbox process (free port, own database) for the whole test session."""
    from ebh_sandbox.testing import SandboxProcess

    with SandboxProcess() as process:
        yield process


@pytest.fixture
def credential_keys(settings) -> list[str]:
    from cryptography.fernet import Fernet

    keys = [Fernet.generate_key().decode()]
    settings.EBH_CREDENTIAL_KEYS = keys
    return keys


@pytest.fixture
def ebh(sandbox, settings, credential_keys):
    """Point the client at the sandbox, with no faults left over from another test."""
    sandbox.reset()
    settings.EBH_WSDL_URL = sandbox.wsdl_url
    settings.EBH_ENDPOINT_URL = sandbox.endpoint
    settings.EBH_CLIENT_CLASS = "connections.clients.ConfiguredSoapClient"
    settings.EBH_CONNECT_TIMEOUT = 5
    settings.EBH_READ_TIMEOUT = 10
    return sandbox
