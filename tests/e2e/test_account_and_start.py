"""The account and the first impression: a new business lands on a start page that says what
to do first; the owner changes the password and the email address (confirmed from the new
address's mailbox); with a few invoices the start page shows what is open, what is overdue and
the revenue per month."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.flows import (
    connect_with_services,
    exact,
    log_in,
    open_connections,
    reload_until,
    unique,
)
from tests.factories import PASSWORD, make_organization, make_user
from tests.invoicing.factories import line, make_customer, make_sent

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Nieuw-Kwastje-2026"


def _link_path(message) -> str:
    body = message.get_payload(decode=True).decode()
    url = re.search(r"https?://\S+", body)[0]
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _new_business(page: Page, *, details: bool = False):
    email = f"{unique('nieuw')}@example.test"
    user = make_user(email, full_name="Nina Nieuw")
    missing = {} if details else {"kvk_number": "", "vat_id": "", "iban": ""}
    organization = make_organization(f"Schilder {unique('')}", owner=user,
                                     email="info@schilder.test", **missing)
    log_in(page, email)
    return user, organization


def test_new_business_start_page_then_password_and_email_change(page, shot, stack):
    user, organization = _new_business(page)
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()
    steps = page.get_by_role("region", name="Eerste stappen")
    for text in ["Vul uw bedrijfsgegevens aan", "Maak uw eerste klant aan",
                 "Maak uw eerste factuur", "Koppel e-Boekhouden.nl"]:
        expect(steps.get_by_text(text)).to_be_visible()
    expect(page.get_by_test_id("tile-open")).to_contain_text("€ 0,00")
    shot(page, "first-steps")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Facturen", exact=True).click()
    expect(page.get_by_role("link", name="Maak uw eerste klant aan")).to_be_visible()

    page.goto("/settings/organization/")
    page.get_by_label("Stuur mij een kopie (bcc)").check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Bedrijfsgegevens opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Stuur mij een kopie (bcc)")).to_be_checked()
    shot(page, "organization-copy")

    page.goto("/settings/profile/")
    page.get_by_label(exact("Oud wachtwoord")).fill(PASSWORD)
    page.get_by_label(exact("Nieuw wachtwoord")).fill(NEW_PASSWORD)
    page.get_by_label(exact("Nieuw wachtwoord bevestigen")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.get_by_text("Uw wachtwoord is gewijzigd.")).to_be_visible()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()  # still logged in

    new_email = f"{unique('verhuisd')}@example.test"
    page.get_by_label(exact("Nieuw e-mailadres")).fill(new_email)
    page.get_by_label(exact("Uw huidige wachtwoord")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Bevestigingslink sturen").click()
    expect(page.get_by_text(f"We hebben een bevestigingslink naar {new_email} gestuurd")
           ).to_be_visible()
    expect(page.get_by_text(f"U logt in met {user.email}.")).to_be_visible()
    shot(page, "my-account")

    page.goto(_link_path(stack.wait_for(new_email)))
    expect(page.get_by_text(f"Voortaan logt u in met {new_email}")).to_be_visible()
    shot(page, "confirm-email")
    page.get_by_role("button", name="Nieuw e-mailadres bevestigen").click()
    expect(page.get_by_text(f"Uw e-mailadres is nu {new_email}.")).to_be_visible()
    notice = stack.wait_for(user.email)
    assert new_email in notice.get_payload(decode=True).decode()

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, new_email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Overzicht", level=1)).to_be_visible()


def test_start_page_after_a_few_invoices(page, shot, stack):
    user, organization = _new_business(page, details=True)
    customer = make_customer(organization, name="Bakkerij Brood & Zo")
    today = timezone.localdate()
    make_sent(organization, user, customer=customer, issue_date=today - datetime.timedelta(40),
              lines=[line(price="1000.00")])  # 1.210,00 incl., overdue
    make_sent(organization, user, customer=customer, issue_date=today,
              lines=[line(price="500.00")])  # 605,00 incl., open
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    make_sent(organization, user, customer=customer, issue_date=last_month,
              lines=[line(price="250.00", rate="9")], exchange_rate=Decimal(1))
    page.goto("/")
    expect(page.get_by_test_id("tile-open")).to_contain_text("€ 2.087,50")
    expect(page.get_by_test_id("tile-open")).to_contain_text("3 facturen")
    expect(page.get_by_test_id("tile-overdue")).to_contain_text("€ 1.210,00")
    expect(page.get_by_test_id("tile-overdue")).to_contain_text("1 factuur")
    expect(page.locator("svg.bars rect.bar")).to_have_count(12)
    page.get_by_text("Bedragen per maand").click()
    this_month = page.get_by_role("row").filter(has_text=str(today.year)).last
    expect(this_month).to_contain_text("€ 500,00")
    shot(page, "with-invoices")
    page.get_by_test_id("tile-overdue").click()
    expect(page.get_by_role("heading", name="Facturen", level=1)).to_be_visible()


def test_articles_imported_on_connect_are_announced(page, shot, stack, sandbox):
    _user, organization = _new_business(page, details=True)
    connect_with_services(organization, sandbox)
    page.goto("/")
    reload_until(page, lambda: page.get_by_text("3 artikelen uit e-Boekhouden overgenomen"))
    page.get_by_role("link", name="Bekijk de producten").click()
    expect(page.get_by_role("cell", name="Adviesuur")).to_be_visible()
    open_connections(page)
    expect(page.get_by_text("3 artikelen uit e-Boekhouden overgenomen")).to_be_visible()
    shot(page, "connections")
