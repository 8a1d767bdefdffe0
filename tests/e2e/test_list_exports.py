"""A bookkeeper filters the invoice list and downloads what it shows as CSV; the purchase and
customer lists offer the same links, on a desktop and a phone."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.flows import business_with_customer, choose
from tests.invoicing.factories import make_customer, make_sent

pytestmark = pytest.mark.e2e


def _download_rows(page, link) -> list[list[str]]:
    with page.expect_download() as info:
        link.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_filtered_invoice_list_downloads_as_csv(page, shot):
    user, organization, customer = business_with_customer(page)
    other = make_customer(organization, name="Slagerij Vos")
    ours = make_sent(organization, user, customer=customer, issue_date=datetime.date(2026, 3, 2))
    make_sent(organization, user, customer=other, issue_date=datetime.date(2026, 3, 3))
    page.goto("/invoices/")
    choose(page.get_by_label("Klant"), customer.name)
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name="Slagerij Vos")).to_have_count(0)
    exports = page.get_by_test_id("export-links")
    shot(page, "invoices")
    rows = _download_rows(page, exports.get_by_role("link", name="CSV"))
    assert [row[0] for row in rows[1:]] == [ours.number]
    assert rows[0][0] == "Nummer" and rows[1][5] == customer.name
    for path in ("/purchases/", "/customers/"):
        page.goto(path)
        excel = page.get_by_test_id("export-links").get_by_role("link", name="Excel")
        expect(excel).to_be_visible()
        shot(page, path.strip("/"))
