"""What a user sees of the bookings beyond the happy path: a changed e-Boekhouden password
(banner, new security code 1, paused booking completes), the error list with retry, and the
export module with its progress bar."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ebh_sync.models import SyncJob
from tests.e2e.flows import (
    booked_badge,
    business_with_customer,
    connect_with_services,
    connection_status,
    exact,
    finalize_draft,
    open_connections,
    reload_until,
)
from tests.invoicing.factories import line, make_draft, make_sent

pytestmark = pytest.mark.e2e


def test_password_change_banner_and_recovery(page, shot, stack, sandbox):
    user, organization, customer = business_with_customer(page)
    account = connect_with_services(organization, sandbox)
    new_code = sandbox.change_password(account["username"])

    draft = make_draft(organization, customer=customer, issue_date=datetime.date.today(),
                       lines=[line("Kozijnen schilderen", "3", "80.00", "21")])
    number = finalize_draft(page, draft, email=False)
    reload_until(page, lambda: page.locator("#connection-banner"))
    banner = page.locator("#connection-banner")
    expect(banner).to_contain_text("e-Boekhouden.nl: actie nodig.")
    expect(page.locator(".badge").filter(has_text=re.compile("wacht", re.I))).to_be_visible()
    shot(page, "invoice-waiting")

    open_connections(page)
    expect(connection_status(page)).to_have_text("Actie nodig")
    shot(page, "action-needed")
    # On the connections page the banner leaves the action to the card: one button only.
    expect(page.get_by_role("link", name="Nieuwe beveiligingscode 1 invullen")).to_have_count(1)
    page.get_by_role("link", name="Nieuwe beveiligingscode 1 invullen").click()
    page.get_by_label(exact("Nieuwe beveiligingscode 1")).fill("f" * 32)
    page.get_by_role("button", name="Beveiligingscode 1 opslaan").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    shot(page, "security-code-wrong")
    page.get_by_label(exact("Nieuwe beveiligingscode 1")).fill(new_code)
    page.get_by_role("button", name="Beveiligingscode 1 opslaan").click()
    expect(connection_status(page)).to_have_text("Verbonden")
    expect(page.locator("#connection-banner")).to_have_count(0)
    shot(page, "recovered")

    page.goto(f"/invoices/{draft.pk}/")
    reload_until(page, lambda: booked_badge(page))
    mutation = SyncJob.objects.get(sales_invoice=draft).mutation_number
    expect(booked_badge(page)).to_have_text(f"geboekt #{mutation}")
    assert sandbox.bookings_per_invoice(account["administrations"][0])[number] == 1


def test_error_list_with_retry(page, shot, stack, sandbox):
    _user, organization, customer = business_with_customer(page)
    connect_with_services(organization, sandbox)
    sandbox.set_settings(closed_until="2026-12-31")
    draft = make_draft(organization, customer=customer, issue_date=datetime.date(2026, 11, 2))
    number = finalize_draft(page, draft, email=False)
    reload_until(page, lambda: page.locator(".badge").filter(has_text=exact("mislukt")))
    shot(page, "invoice-failed")

    open_connections(page)
    page.get_by_role("link", name=re.compile(r"Foutmeldingen \(1\)")).click()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row.locator("code")).to_have_text("CMUT020")
    expect(row.locator("td").nth(5)).not_to_be_empty()
    shot(page, "error-list")

    sandbox.set_settings(closed_until="")
    row.get_by_role("button", name="Opnieuw proberen").click()
    expect(page.locator(".message-success")).to_be_visible()
    shot(page, "after-retry")
    page.goto(f"/invoices/{draft.pk}/")
    reload_until(page, lambda: booked_badge(page))
    page.goto("/settings/connections/errors/")
    expect(page.locator(".empty")).to_have_text(
        "Geen foutmeldingen. Alle boekingen zijn gelukt.")


def test_export_progress_reaches_the_end(page, shot, stack, sandbox, live_server):
    user, organization, customer = business_with_customer(page)
    for day in (3, 10, 17, 24):
        make_sent(organization, user, customer=customer, issue_date=datetime.date(2026, 2, day),
                  lines=[line("Onderhoud", "1", f"{day}0.00", "21"), line("Boek", "1", "20.00",
                                                                        "9")])
    make_sent(organization, user, customer=customer, issue_date=datetime.date(2026, 4, 1))
    connect_with_services(organization, sandbox)
    assert not SyncJob.objects.exists()

    open_connections(page)
    page.get_by_role("link", name="Exporteren naar e-Boekhouden.nl").click()
    page.get_by_label("Van").fill("2026-02-01")
    page.get_by_label("Tot en met").fill("2026-02-28")
    shot(page, "export-form")
    page.get_by_role("button", name=exact("Exporteren")).click()

    progress = page.get_by_role("progressbar")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    expect(page.locator("#export-summary")).to_contain_text("Export voltooid.")
    expect(page.locator("[data-field=booked]")).to_have_text("4")
    expect(page.locator("[data-field=failed]")).to_have_text("0")
    # The bar fills its track (inside the track's border), once its width transition ends.
    page.wait_for_function(
        """() => {
          const track = document.querySelector('[role=progressbar]');
          const bar = track.querySelector('.progress-bar');
          return track.getBoundingClientRect().width - bar.getBoundingClientRect().width <= 4;
        }""",
        timeout=5_000,
    )
    shot(page, "export-done")
    expect(page.locator("dl.details")).to_contain_text("4")
    shot(page, "export-summary")
    assert SyncJob.objects.filter(state=SyncJob.State.BOOKED).count() == 4
