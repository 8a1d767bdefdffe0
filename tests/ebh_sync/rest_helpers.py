"""Organization A connected to a fresh sandbox account over REST (an API token)."""

import itertools

import pytest

from connections import services as connection_services
from tests.ebh_sync.conftest import Linked

_names = itertools.count(1)


def configure(connection):
    choices = connection_services.connection_load_choices(connection=connection)
    return connection_services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
    )


def connect_rest(organization, sandbox) -> Linked:
    account = sandbox.add_account(f"rest{next(_names)}")
    connection = connection_services.connection_connect_token(
        organization=organization, api_token=account["api_token"])
    return Linked(configure(connection), account, account["administrations"][0], sandbox)


@pytest.fixture
def rest(ebh, settings):
    """The sandbox, with the REST client pointed at it."""
    settings.EBH_REST_URL = ebh.rest_url
    settings.EBH_REST_CLIENT_CLASS = "connections.clients.ConfiguredRestClient"
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 0
    return ebh


@pytest.fixture
def rest_linked(org_a, rest) -> Linked:
    return connect_rest(org_a, rest)
