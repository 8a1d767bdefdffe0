"""Webhooks configured as in development (loopback allowed), and a real local receiver."""

import pytest

from tests.webhooks.receiver import running_receiver
from webhooks import services
from webhooks.models import Event


@pytest.fixture
def receiver():
    with running_receiver() as box:
        yield box


@pytest.fixture(autouse=True)
def _development_webhooks(settings, credential_keys):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False


def make_endpoint(organization, url, events=None, user=None, **fields):
    data = services.EndpointData(url=url, description=fields.pop("description", ""),
                                 events=events or list(Event.values), **fields)
    return services.endpoint_create(organization=organization, data=data, user=user)
