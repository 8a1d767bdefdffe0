"""Fixtures for the sync tests: organization A connected to a fresh sandbox account."""

import itertools
from dataclasses import dataclass

import pytest

from connections import services as connection_services
from connections.models import Connection
from tests.invoicing.factories import make_customer

_names = itertools.count(1)


@dataclass
class Linked:
    connection: Connection
    account: dict
    guid: str
    sandbox: object

    def mutations(self) -> list[dict]:
        return self.sandbox.mutations(self.guid)

    def bookings(self):
        return self.sandbox.bookings_per_invoice(self.guid)

    def calls(self, operation: str) -> int:
        stats = self.sandbox.stats()["administrations"].get(self.guid, {})
        return stats.get("operations", {}).get(operation, 0)


def connect(organization, sandbox) -> Linked:
    account = sandbox.add_account(f"sync{next(_names)}")
    connection = connection_services.connection_connect(
        organization=organization,
        username=account["username"],
        security_code_1=account["security_code_1"],
        security_code_2=account["security_code_2"],
    )
    choices = connection_services.connection_load_choices(connection=connection)
    connection = connection_services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
    )
    return Linked(connection, account, account["administrations"][0], sandbox)


@pytest.fixture
def linked(org_a, ebh, settings) -> Linked:
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 0
    return connect(org_a, ebh)


@pytest.fixture
def customer(org_a):
    return make_customer(org_a, name="Bakkerij Brood & Zo", kvk_number="11223344")


# --- REST (an API token) ----------------------------------------------------------------------


def configure_rest(connection) -> Connection:
    choices = connection_services.connection_load_choices(connection=connection)
    return connection_services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
    )


def connect_rest(organization, sandbox) -> Linked:
    account = sandbox.add_account(f"rest{next(_names)}")
    connection = connection_services.connection_connect_token(
        organization=organization, api_token=account["api_token"])
    return Linked(configure_rest(connection), account, account["administrations"][0], sandbox)


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
