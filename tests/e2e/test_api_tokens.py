"""Settings > API in a browser: an owner makes a token, sees it once, a tool uses it, the
request appears under the token's name, revoking stops it; the reference page renders from
our own assets under the Content-Security-Policy (a blocked script or style would be a
console error, which fails the test)."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import business_with_customer

pytestmark = pytest.mark.e2e


def _get(base: str, path: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (live_server)
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_make_use_and_revoke_a_token(page, shot, stack, live_server):
    _user, _organization, customer = business_with_customer(page)
    page.goto("/settings/organization/")
    page.get_by_role("link", name="API", exact=True).click()
    expect(page.get_by_role("heading", name="API", level=2)).to_be_visible()
    page.get_by_label("Naam").fill("Webshop")
    page.get_by_label("Lezen en schrijven").check()
    page.get_by_role("button", name="Token maken").click()
    token = page.get_by_test_id("token-value").inner_text().strip()
    assert token.startswith("fct_")
    shot(page, "token-made")
    status, body = _get(live_server.url, "/api/v1/customers/", token)
    assert status == 200 and [row["name"] for row in body["results"]] == [customer.name]
    page.goto("/settings/api/")
    expect(page.get_by_test_id("token-value")).to_have_count(0)  # shown once
    expect(page.get_by_test_id("request-table")).to_contain_text("GET /api/v1/customers/")
    expect(page.get_by_test_id("request-table")).to_contain_text("Webshop")
    shot(page, "tokens")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_test_id("token-table")).to_contain_text("ingetrokken")
    assert _get(live_server.url, "/api/v1/customers/", token)[0] == 401


def test_the_reference_page_renders_from_our_own_assets(page, shot, stack):
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Facturen API")
    expect(page.get_by_text("/api/v1/sales-invoices/{id}/finalize/").first).to_be_visible()
    shot(page, "docs", audit=False)  # Swagger UI's own markup, not ours
