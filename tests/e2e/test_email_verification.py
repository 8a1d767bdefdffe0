"""Issue 17, "open mail relay", in the browser: a new account sees that a confirmation link is
on its way, a banner on every page until it is opened, and an invitation refused with the
reason; the link from the mailbox ends all that. Too many password resets for one address
bring the same page back with the Dutch message."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import unique
from tests.factories import make_user

pytestmark = pytest.mark.e2e
# The refusals are pages with HTTP 403 and 429: the browser logs those as failed loads. Any
# other console error still fails the test.
REFUSED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of "
                          r"(403|429)")


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and not REFUSED_LOAD.match(msg.text)
            and errors.append(msg.text))
    yield page
    assert not errors, f"JavaScript errors in the browser: {errors}"


def _link_path(message) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(r"https?://[^/\s]+(/confirm-email/\S+/)", body)[1]


def test_unverified_account_is_told_and_held_until_the_link_is_opened(page, shot, stack):
    email = f"{unique('nieuw')}@example.test"
    page.goto("/signup/")
    page.get_by_label("Uw naam").fill("Sanne Schilder")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("Kwast-En-Verf-2026")
    page.get_by_label("Naam van uw bedrijf").fill("Schildersbedrijf Kwast")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", name="Kijk in uw inbox")).to_be_visible()
    expect(page.locator("#verification-sent")).to_contain_text(email)
    shot(page, "confirmation-sent")
    first = stack.wait_for(email)

    page.goto("/")
    banner = page.locator("#verification-banner")
    expect(banner).to_contain_text("Bevestig uw e-mailadres.")
    shot(page, "start-unverified")

    page.goto("/settings/members/")
    page.get_by_label("E-mailadres").fill("slachtoffer@example.test")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.locator(".message-error")).to_contain_text("Bevestig eerst uw e-mailadres")
    expect(page.get_by_label("E-mailadres")).to_have_value("slachtoffer@example.test")
    shot(page, "invitation-refused")

    banner.get_by_role("button", name="Stuur de bevestigingsmail opnieuw").click()
    expect(page.locator(".message-success")).to_contain_text("opnieuw naar")

    page.goto(_link_path(first))
    shot(page, "confirm-link")
    page.get_by_role("button", name="E-mailadres bevestigen").click()
    expect(page.locator(".message-success")).to_contain_text("is bevestigd")
    expect(page.locator("#verification-banner")).to_have_count(0)


def test_too_many_password_resets_for_one_address(page, shot, stack, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset_email": "1/h"}
    user = make_user(f"{unique('kees')}@example.test")
    for _attempt in range(2):
        page.goto("/password-reset/")
        page.locator("input[name=email]").fill(user.email)
        page.locator(".public-card .btn-primary").click()
    expect(page.locator(".message-error")).to_contain_text("Te veel pogingen in korte tijd")
    expect(page.locator("input[name=email]")).to_have_value(user.email)
    shot(page, "rate-limited")
