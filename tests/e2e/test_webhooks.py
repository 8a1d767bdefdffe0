"""Webhooks in the browser: an owner adds one under Instellingen > Webhooks and copies its
secret; "Test sturen" reaches a real receiver through the Celery worker, signed with that
secret; a finalized invoice is delivered too, and a receiver that answers 500 shows up with
its status code and answer on the webhook's page, with the next attempt planned."""

import json
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import business_with_customer, reload_until
from tests.invoicing.factories import make_sent
from tests.webhooks.receiver import running_receiver, signature_valid

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver():
    with running_receiver() as box:
        yield box


def wait_for_requests(receiver, count: int, timeout: float = 30) -> list:
    """The worker delivers in its own time: wait until the receiver has ``count`` requests."""
    deadline = time.monotonic() + timeout
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return receiver.requests


def test_add_a_webhook_send_a_test_and_see_the_deliveries(page, shot, stack, receiver):
    user, organization, customer = business_with_customer(page)
    page.get_by_role("link", name="Instellingen", exact=True).first.click()
    page.locator(".subnav").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_text("Nog geen webhooks.")).to_be_visible()
    page.get_by_role("link", name="Webhook toevoegen").click()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Omschrijving").fill("Webshop")
    page.get_by_label("Een factuur of creditfactuur is definitief gemaakt").check()
    page.get_by_label("Een factuur is volledig betaald").check()
    shot(page, "form")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.locator(".message-success")).to_contain_text("Kopieer nu")
    secret = page.get_by_test_id("webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    page.get_by_role("button", name="Test sturen").click()
    [ping] = wait_for_requests(receiver, 1)
    assert ping.headers["X-Facturen-Event"] == "ping" and signature_valid(ping, secret)
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)  # shown once

    receiver.answers = [(500, b'{"error": "voorraad niet bijgewerkt"}', {})]
    invoice = make_sent(organization, user, customer=customer)
    [_ping, finalized] = wait_for_requests(receiver, 2)
    event = json.loads(finalized.body)
    assert (event["event"], event["data"]["invoice"]["number"]) == (
        "invoice.finalized", invoice.number)
    reload_until(page, lambda: page.get_by_text('{"error": "voorraad niet bijgewerkt"}'))
    delivery = page.get_by_test_id("delivery").first
    expect(delivery).to_contain_text("Wachtend")
    expect(delivery).to_contain_text("volgende poging")
    expect(delivery.locator(".badge", has_text="500")).to_be_visible()
    shot(page, "endpoint")

    page.get_by_role("link", name="Alle webhooks").click()
    expect(page.get_by_test_id("webhook-list")).to_contain_text("Webshop")
    shot(page, "list")
