"""The invoice page's history (own facts and what other apps report through the hook) and
the tabular export core."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from invoicing import extensions, services
from invoicing.exports import tabular_response
from invoicing.history import invoice_history
from tests.invoicing.factories import make_sent


@pytest.mark.django_db
def test_history_lists_finalize_payment_and_provided_entries_newest_first(
        client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a)
    services.payment_register(invoice=invoice, amount=Decimal("50.00"),
                              date=datetime.date(2099, 1, 5), note="", user=user_a)

    def provider(inv):
        return [extensions.HistoryEntry(datetime.date(2099, 1, 6), "Reminder 1 sent")]

    extensions.register_history_provider(provider)
    try:
        with translation.override("en"):
            texts = [entry.text for entry in invoice_history(invoice)]
        page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk]))
    finally:
        extensions._history_providers.remove(provider)
    assert texts[0] == "Reminder 1 sent"
    assert texts[1].startswith("Payment of € 50.00")
    assert texts[-1] == "Created as a draft" and f"Finalized as {invoice.number}" in texts
    assert "06-01-2099" in page.content.decode() and "Reminder 1 sent" in page.content.decode()


def test_csv_export_is_semicolon_separated_with_dutch_decimal_comma():
    with translation.override("nl"):
        response = tabular_response("csv", "facturen", ["Nummer", "Bedrag", "Datum"],
                                    [["2026-0001", Decimal("1234.50"), datetime.date(2026, 3, 2)]])
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows == [["Nummer", "Bedrag", "Datum"], ["2026-0001", "1234,50", "2026-03-02"]]


def test_xlsx_export_keeps_numbers_and_dates():
    response = tabular_response("xlsx", "facturen", ["Nummer", "Bedrag", "Datum"],
                                [["2026-0001", Decimal("1234.50"), datetime.date(2026, 3, 2)]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "2026-0001" and float(sheet["B2"].value) == 1234.5
    assert sheet["C2"].value.date() == datetime.date(2026, 3, 2)


def test_unknown_export_format_is_refused():
    with pytest.raises(ValueError):
        tabular_response("pdf", "x", ["a"], [])
