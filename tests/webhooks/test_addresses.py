"""In production a webhook URL must be https on the public internet: private, loopback,
link-local (cloud metadata) and other non-public addresses are refused when the URL is saved
and again when it is sent to, whatever the host name resolved to at saving."""

import pytest

from tests.webhooks.conftest import make_endpoint
from webhooks import engine, services
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    return settings


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://127.8.9.10:8443/hook", "https://10.1.2.3/hook",
    "https://172.16.0.5/hook", "https://192.168.1.20/hook", "https://100.64.0.1/hook",
    "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook", "https://[fe80::1]/hook",
    "https://[fd00::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://0.0.0.0/hook",
    "https://224.0.0.1/hook", "https://localhost/hook", "https://LocalHost/hook",
])
def test_a_non_public_address_is_refused_when_saved(org_a, user_a, production, url):
    with pytest.raises(services.WebhookError) as refused:
        make_endpoint(org_a, url, user=user_a)
    assert "privé- of lokaal netwerk" in str(refused.value)
    assert not Endpoint.objects.exists()


def test_only_https_in_production(org_a, user_a, production):
    with pytest.raises(services.WebhookError) as refused:
        make_endpoint(org_a, "http://93.184.215.14/hook", user=user_a)
    assert "https" in str(refused.value)
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("url", ["https://user:pw@93.184.215.14/hook", "ftp://93.184.215.14/",
                                 "https://93.184.215.14:99999/", "https://no-such-host.invalid/"])
def test_unusable_urls_are_refused(org_a, user_a, production, url):
    with pytest.raises(services.WebhookError):
        make_endpoint(org_a, url, user=user_a)


def test_a_public_address_is_accepted(org_a, user_a, production):
    endpoint = make_endpoint(org_a, "https://93.184.215.14/hook", user=user_a)
    assert endpoint.url == "https://93.184.215.14/hook"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_address_is_checked_again_when_sending(org_a, receiver, settings,
                                                   django_capture_on_commit_callbacks, host):
    """Saved while the address was allowed (or while the name pointed elsewhere): the send
    resolves again and refuses, and the receiver gets nothing."""
    endpoint = make_endpoint(org_a, receiver.url.replace("127.0.0.1", host))
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_ping(endpoint=endpoint)
    delivery = Delivery.objects.get(pk=delivery.pk)
    attempt = delivery.attempts_made.get()
    assert receiver.requests == []
    assert attempt.status_code is None and "privé- of lokaal netwerk" in attempt.error
    assert delivery.state == Delivery.State.PENDING  # retried: the name may point elsewhere

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    engine.deliver(delivery.pk, now=delivery.next_attempt_at)
    assert len(receiver.requests) == 1
