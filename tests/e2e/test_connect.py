"""Connecting with e-Boekhouden.nl: wrong codes first (a clear message, nothing stored),
then the right ones, an administration and the ledger accounts."""

import pytest
from playwright.sync_api import expect

from connections.models import Connection
from tests.e2e.flows import (
    business_with_customer,
    connection_status,
    exact,
    open_connections,
    unique,
)

pytestmark = pytest.mark.e2e


def fill_codes(page, username: str, code_1: str, code_2: str) -> None:
    page.get_by_label(exact("Gebruikersnaam")).fill(username)
    page.get_by_label(exact("Beveiligingscode 1")).fill(code_1)
    page.get_by_label(exact("Beveiligingscode 2")).fill(code_2)
    page.get_by_role("button", name="Maak verbinding met e-Boekhouden.nl").click()


def test_connect_with_wrong_codes_then_the_right_ones(page, shot, stack, sandbox):
    _user, organization, _customer = business_with_customer(page)
    account = sandbox.add_account(unique("verbind"), administrations=2)
    open_connections(page)
    expect(connection_status(page)).to_have_text("Niet verbonden")
    shot(page, "overview-not-connected")

    page.get_by_role("link", name=exact("Verbinden")).click()
    fill_codes(page, account["username"], "0" * 32, account["security_code_2"])
    error = page.get_by_role("alert")
    expect(error.first).to_contain_text(
        "De gebruikersnaam of beveiligingscode 1 is onjuist.")
    shot(page, "wrong-codes")
    # Nothing was stored, and the secret fields are empty again.
    connection = Connection.objects.filter(organization=organization).first()
    assert connection is None or not connection.has_credentials
    expect(page.get_by_label(exact("Beveiligingscode 1"))).to_have_value("")

    fill_codes(page, account["username"], account["security_code_1"], account["security_code_2"])
    expect(page.get_by_role("heading", name="Configureer koppeling")).to_be_visible()
    shot(page, "configure")
    administration = page.get_by_label(exact("Administratie"))
    options = administration.locator("option")
    expect(options).to_have_count(2)
    second = options.nth(1).get_attribute("value")
    second_name = options.nth(1).inner_text().split(" (")[0].strip()
    administration.select_option(second)
    page.wait_for_url(f"**administration={second}**")
    page.get_by_label("Tegenrekening voor verkoopfacturen").select_option("8000")
    page.get_by_label("Tegenrekening voor inkoopfacturen").select_option("4000")
    page.get_by_label("Debiteurenrekening").select_option("1300")
    page.get_by_label("Crediteurenrekening").select_option("1600")
    shot(page, "configure-filled")
    page.get_by_role("button", name="Koppeling opslaan").click()

    expect(connection_status(page)).to_have_text("Verbonden")
    expect(page.locator(".connection-details")).to_contain_text(second_name)
    expect(page.locator(".connection-details")).to_contain_text("8000")
    shot(page, "connected")
    connection = Connection.objects.get(organization=organization)
    assert connection.administration_guid() == account["administrations"][1]
