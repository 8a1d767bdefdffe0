"""Connecting with an API token (REST): connect, book an invoice, the token is revoked in
e-Boekhouden ("Actie nodig"), a new token is entered, and the waiting invoice is booked."""

import pytest
from playwright.sync_api import expect

from connections.models import Connection
from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    connect_with_services,
    connection_status,
    exact,
    finalize_draft,
    open_connections,
    reload_until,
    unique,
)
from tests.invoicing.factories import make_draft

pytestmark = pytest.mark.e2e


def submit_token(page, token: str) -> None:
    page.locator("input[name=api_token]").fill(token)
    page.locator("form:has(input[name=api_token]) button[type=submit]").click()


def test_connect_with_token_revoke_and_enter_a_new_one(page, shot, stack, sandbox):
    _user, organization, customer = business_with_customer(page)
    account = sandbox.add_account(unique("rest"))
    open_connections(page)
    page.get_by_role("link", name=exact("Verbinden")).click()
    expect(page.get_by_test_id("connect-codes")).to_be_visible()
    shot(page, "connect")
    submit_token(page, account["api_token"])

    expect(page.get_by_role("heading", name="Configureer koppeling")).to_be_visible()
    expect(page.get_by_test_id("token-administration")).to_be_visible()
    shot(page, "configure")
    page.get_by_label("Tegenrekening voor verkoopfacturen").select_option("8000")
    page.get_by_label("Tegenrekening voor inkoopfacturen").select_option("4000")
    page.get_by_label("Debiteurenrekening").select_option("1300")
    page.get_by_label("Crediteurenrekening").select_option("1600")
    page.get_by_role("button", name="Koppeling opslaan").click()
    expect(connection_status(page)).to_have_text("Verbonden")
    assert Connection.objects.get(organization=organization).uses_rest

    finalize_draft(page, make_draft(organization, customer=customer), email=False)
    reload_until(page, lambda: booked_badge(page))

    sandbox.revoke_api_token(account["api_token"])
    second = make_draft(organization, customer=customer)
    finalize_draft(page, second, email=False)
    open_connections(page)
    reload_until(page, lambda: connection_status(page).filter(has_text="Actie nodig"))
    expect(page.locator(".connection-note")).to_contain_text("ingetrokken")
    page.locator("a[href$='/api-token/']").first.click()
    shot(page, "new-token")
    submit_token(page, sandbox.add_api_token(account["administrations"][0]))
    expect(connection_status(page)).to_have_text("Verbonden")

    page.goto(f"/invoices/{second.pk}/")
    reload_until(page, lambda: booked_badge(page))
    assert sandbox.bookings_per_invoice(account["administrations"][0])[
        type(second).objects.get(pk=second.pk).number] == 1


def test_switch_a_connection_with_security_codes_to_an_api_token(page, shot, stack, sandbox):
    """A connection that booked over SOAP moves to REST for the same administration: nothing
    is booked again, the relation made over SOAP serves the REST booking."""
    _user, organization, customer = business_with_customer(page)
    account = connect_with_services(organization, sandbox)
    finalize_draft(page, make_draft(organization, customer=customer), email=False)
    reload_until(page, lambda: booked_badge(page))

    open_connections(page)
    page.get_by_role("link", name="Overstappen op API-token").click()
    shot(page, "switch")
    submit_token(page, account["api_token"])
    expect(connection_status(page)).to_have_text("Verbonden")
    assert Connection.objects.get(organization=organization).uses_rest

    finalize_draft(page, make_draft(organization, customer=customer), email=False)
    reload_until(page, lambda: booked_badge(page))
    booked = sandbox.mutations(account["security_code_2"])
    assert [m["transport"] for m in booked] == ["SOAP", "REST"]  # the first is not sent again
    assert len(sandbox.relations(account["security_code_2"])) == 1
