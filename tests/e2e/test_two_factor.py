"""Two-step verification in the browser: an owner is asked to turn it on, scans (here: types)
the key, confirms with a code, saves the recovery codes, logs out, logs in with password and
code, and once more with a recovery code instead of the phone."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.accounts.two_factor_helpers import app_code, code_from_secret
from tests.e2e.flows import business_with_customer, exact
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _nl(msgid: str) -> str:
    """The text as the (Dutch) page shows it."""
    with translation.override("nl"):
        return gettext(msgid)


def _log_in_with_password(page, email: str) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name=_nl("Two-step verification"))).to_be_visible()


def test_turn_on_then_log_in_with_a_code_and_with_a_recovery_code(page, shot, stack):
    user, _organization, _customer = business_with_customer(page)
    page.goto("/start/")
    shot(page, "owner-notice")
    page.get_by_role("link", name=_nl("Turn on two-step verification")).first.click()

    secret = page.get_by_test_id("two-factor-secret").inner_text()
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    shot(page, "setup")
    page.get_by_label(_nl("Code from the app")).fill(code_from_secret(secret))
    page.get_by_role("button", name=_nl("Turn on"), exact=True).click()

    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name=_nl("Download as text file")).click()
    assert Path(download.value.path()).read_text().split() == codes
    shot(page, "recovery-codes")
    page.get_by_role("link", name=_nl("I have saved them")).click()
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text("10")
    shot(page, "my-account")

    _log_in_with_password(page, user.email)
    shot(page, "verify")
    page.goto("/invoices/")  # nothing else opens before the code
    expect(page.get_by_role("heading", name=_nl("Two-step verification"))).to_be_visible()
    # The code the app shows next: after the set-up's step, and with the clock drift the
    # set-up taught the device (django-otp follows the app's clock).
    page.get_by_label(exact(_nl("Code"))).fill(app_code(user))
    page.get_by_role("button", name=_nl("Verify")).click()
    expect(page).to_have_url(re.compile(r"/invoices/$"))  # where the user was going

    _log_in_with_password(page, user.email)
    page.get_by_label(exact(_nl("Code"))).fill(codes[0])
    page.get_by_role("button", name=_nl("Verify")).click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.locator(".message-warning").first).to_be_visible()
    page.goto("/settings/profile/")
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text("9")
