"""The work order editor in a real browser (Playwright + Debian's Chromium): lines are added
and removed without a page reload, a product fills its line, a customer fills the work
address, and what the browser posts is what gets stored."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.invoicing.factories import make_customer, make_product
from workorders.models import WorkOrder

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture
def page(live_server, org_a, user_a, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls stay synchronous.
    # Set for this test only: a subprocess of another test must not inherit it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    client = Client()
    client.force_login(user_a)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="nl-NL")
        context.add_cookies([cookie])
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error"
                and page.errors.append(message.text))
        yield page
        browser.close()
        # The ORM calls made while Playwright's loop ran used a connection of their own.
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_lines_are_added_and_removed_without_reload(page, live_server, org_a):
    customer = make_customer(org_a, name="Bakkerij Brood", address="Lindenlaan 4",
                             postcode="1234 AB", city="Zeist")
    product = make_product(org_a, description="Grondverf 2,5 liter",
                           unit_price=Decimal("34.95"), unit="blik")
    page.goto(live_server.url + reverse("workorders:workorder_create"))
    page.select_option("[name=customer]", str(customer.pk))
    assert page.input_value("[name=work_street]") == "Lindenlaan 4"
    assert page.input_value("[name=work_city]") == "Zeist"
    page.fill("[name=description]", "Kozijnen schilderen")

    page.fill("[name=lines-0-description]", "Schilderwerk")
    page.fill("[name=lines-0-quantity]", "3,5")
    page.fill("[name=lines-0-unit_price]", "52,50")
    page.click("[data-add-line=material]")
    assert page.input_value("[name=lines-1-kind]") == "material"
    page.select_option("[name=lines-1-product]", str(product.pk))
    assert page.input_value("[name=lines-1-description]") == "Grondverf 2,5 liter"
    page.fill("[name=lines-1-quantity]", "2")
    page.click("[data-add-line=hours]")
    page.fill("[name=lines-2-description]", "Vergeten regel")
    page.locator("[data-line]").nth(2).locator("[data-remove-line]").click()
    assert page.locator("[data-line]:visible").count() == 2
    assert page.text_content("[data-order-total]").strip() == "253,65"

    url_before = page.url
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(lambda url: url != url_before)
    work_order = WorkOrder.objects.get()
    assert page.url.endswith(reverse("workorders:workorder_detail", args=[work_order.pk]))
    assert [(ln.kind, ln.description, ln.quantity, ln.unit_price)
            for ln in work_order.lines.all()] == [
        ("hours", "Schilderwerk", Decimal("3.5"), Decimal("52.5")),
        ("material", "Grondverf 2,5 liter", Decimal("2"), Decimal("34.95")),
    ]
    assert work_order.work_address == "Lindenlaan 4, 1234 AB Zeist"
    assert page.errors == []
