"""The language switch on the login page: what the user picks there is what they get after
logging in."""

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import business_with_customer
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_english_chosen_on_the_login_page_stays_after_logging_in(page, shot, stack):
    user, _organization, _customer = business_with_customer(page, log_in_now=False)
    page.goto("/login/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shot(page, "login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
