"""Lists people export: invoices, purchase invoices, customers and suppliers as CSV and XLSX,
with the list's current filters, every page, only the organization's own rows."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from invoicing import extensions, services
from invoicing.models import InvoiceStatus, SalesInvoice
from invoicing.services import PurchaseData, PurchaseLineData
from tests.invoicing.factories import line, make_customer, make_draft, make_sent, make_supplier


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def _export(client, name: str, fmt: str, **filters):
    return client.get(reverse(f"invoicing:{name}_export", args=[fmt]), filters)


def _listed_numbers(client, **filters) -> list[str]:
    """Every invoice number the list shows for these filters, page after page."""
    numbers, page = [], 1
    while True:
        response = client.get(reverse("invoicing:invoice_list"), {**filters, "page": page})
        numbers += [invoice.number for kind, invoice in response.context["rows"]]
        if not response.context["page"].has_next():
            return numbers
        page += 1


@pytest.fixture
def invoices(org_a, user_a):
    jansen = make_customer(org_a, name="Jansen Bouw")
    pietersen = make_customer(org_a, name="Pietersen")
    made = {
        "early": make_sent(org_a, user_a, customer=jansen, issue_date=datetime.date(2026, 1, 5)),
        "march": make_sent(org_a, user_a, customer=jansen, issue_date=datetime.date(2026, 3, 2),
                           lines=[line(price="1000.00")]),
        "other": make_sent(org_a, user_a, customer=pietersen,
                           issue_date=datetime.date(2026, 3, 3)),
        "usd": make_sent(org_a, user_a, customer=jansen, issue_date=datetime.date(2026, 3, 4),
                         currency="USD", exchange_rate=Decimal("0.9"),
                         exchange_rate_source="manual"),
    }
    services.payment_register(invoice=made["march"], amount=Decimal("210.00"),
                              date=datetime.date(2026, 3, 10), note="", user=user_a)
    made["draft"] = make_draft(org_a, customer=jansen, issue_date=datetime.date(2026, 3, 5))
    return made


@pytest.mark.django_db
def test_invoice_csv_equals_the_filtered_list(client_a, invoices):
    filters = {"customer": str(invoices["march"].customer_id), "from": "2026-02-01",
               "status": "finalized"}
    rows = _csv(_export(client_a, "invoice", "csv", **filters))
    assert rows[0][:6] == ["Nummer", "Soort", "Factuurdatum", "Vervaldatum", "Klantnummer",
                           "Klant"]
    assert [row[0] for row in rows[1:]] == _listed_numbers(client_a, **filters)
    assert [row[0] for row in rows[1:]] == [invoices["usd"].number, invoices["march"].number]
    march = dict(zip(rows[0], rows[2], strict=True))
    assert march["Excl. btw"] == "1000,00" and march["Incl. btw"] == "1210,00"
    assert march["Betaald"] == "210,00" and march["Openstaand"] == "1000,00"
    assert march["Klant"] == "Jansen Bouw" and march["Status"] == "Vervallen"
    assert march["Factuurdatum"] == "2026-03-02" and march["Vervaldatum"] == "2026-03-16"
    usd = dict(zip(rows[0], rows[1], strict=True))
    assert usd["Valuta"] == "USD" and usd["Incl. btw"] == "121,00"
    assert usd["Incl. btw in EUR"] == "108,90"


@pytest.mark.django_db
def test_invoice_search_and_dates_and_all_pages(client_a, org_a, invoices):
    rows = _csv(_export(client_a, "invoice", "csv", q="pieter"))
    assert [row[0] for row in rows[1:]] == [invoices["other"].number]
    rows = _csv(_export(client_a, "invoice", "csv", to="2026-01-31"))
    assert [row[0] for row in rows[1:]] == [invoices["early"].number]
    everything = _csv(_export(client_a, "invoice", "csv"))
    assert len(everything) - 1 == len(_listed_numbers(client_a)) == 5
    assert "Concept" in [row[0] for row in everything]


@pytest.mark.django_db
def test_invoices_made_elsewhere_are_exported_where_the_list_shows_them(client_a, invoices):
    external = SimpleNamespace(
        number="2026-9001", issue_date=datetime.date(2026, 3, 3),
        due_date=datetime.date(2026, 3, 17), customer_name="Via e-Boekhouden",
        net_total=Decimal("10.00"), gross_total=Decimal("12.10"), currency="EUR",
        badge=SimpleNamespace(label="Open", css="", title=""), pdf_url="", source_url="/",
        source_label="Werkbon")

    def provider(organization, filters):
        return [external] if filters["date_from"] is None else []

    extensions.register_external_invoice_provider(provider)
    try:
        rows = _csv(_export(client_a, "invoice", "csv"))
        listed = _listed_numbers(client_a)
        filtered = _csv(_export(client_a, "invoice", "csv", status="finalized"))
    finally:
        extensions._external_invoice_providers.remove(provider)
    assert [row[0] for row in rows[1:]] == [
        number if number else "Concept" for number in listed]
    row = next(row for row in rows if row[0] == "2026-9001")
    assert row[5] == "Via e-Boekhouden" and row[10] == "12,10" and row[14] == "Open"
    assert "2026-9001" not in [row[0] for row in filtered]


@pytest.mark.django_db
def test_invoice_xlsx_keeps_numbers_and_dates(client_a, invoices):
    rows = _xlsx(_export(client_a, "invoice", "xlsx", status="partly_paid"))
    header, march = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2 and header[0] == "Nummer"
    assert march["Nummer"] == invoices["march"].number
    assert float(march["Incl. btw"]) == 1210.0 and float(march["Openstaand"]) == 1000.0
    assert march["Factuurdatum"].date() == datetime.date(2026, 3, 2)


@pytest.mark.django_db
def test_exports_show_only_the_own_organization(client_a, client_b, org_b, user_b, invoices):
    theirs = make_sent(org_b, user_b, customer=make_customer(org_b, name="Hun Klant"))
    ours = _csv(_export(client_a, "invoice", "csv"))
    assert len(ours) == 6
    assert all("Hun Klant" not in row for row in ours)
    # Another organization's customer in the filter: nothing of theirs (and nothing of ours).
    assert _csv(_export(client_a, "invoice", "csv", customer=str(theirs.customer_id)))[1:] == []
    assert [row[5] for row in _csv(_export(client_b, "invoice", "csv"))[1:]] == ["Hun Klant"]
    customers = _csv(_export(client_b, "customer", "csv"))
    assert [row[1] for row in customers[1:]] == ["Hun Klant"]


@pytest.mark.django_db
def test_invoice_export_queries_are_bounded(client_a, org_a, django_assert_max_num_queries):
    customer = make_customer(org_a)
    SalesInvoice.objects.bulk_create([
        SalesInvoice(organization=org_a, customer=customer, status=InvoiceStatus.SENT,
                     number=f"B-{n:04}", issue_date=datetime.date(2026, 2, 1),
                     due_date=datetime.date(2026, 2, 15), gross_total=Decimal("121.00"),
                     buyer=customer.snapshot())
        for n in range(1000)])
    with django_assert_max_num_queries(12):
        response = _export(client_a, "invoice", "xlsx")
    assert len(_xlsx(response)) == 1001


def _purchase(org, user, supplier, number, day, net="100.00"):
    data = PurchaseData(supplier=supplier, supplier_invoice_number=number,
                        invoice_date=datetime.date(2026, 3, day),
                        due_date=datetime.date(2026, 4, day),
                        lines=[PurchaseLineData(vat_rate="21", net_amount=Decimal(net))])
    upload = ContentFile(b"%PDF-1.4\n%%EOF\n", name="f.pdf")
    return services.purchase_invoice_register(organization=org, data=data, attachment=upload,
                                              user=user)


@pytest.mark.django_db
def test_purchase_export_follows_the_list_filters(client_a, org_a, user_a):
    shop, garage = make_supplier(org_a, name="Verfwinkel"), make_supplier(org_a, name="Garage")
    _purchase(org_a, user_a, shop, "V-1", 1)
    _purchase(org_a, user_a, shop, "V-2", 20, net="50.00")
    _purchase(org_a, user_a, garage, "G-1", 21)
    rows = _csv(_export(client_a, "purchase", "csv", supplier=str(shop.pk),
                        **{"from": "2026-03-10"}))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Leverancier"] == "Verfwinkel" and row["Factuurnummer van de leverancier"] == "V-2"
    assert row["Excl. btw"] == "50,00" and row["Btw"] == "10,50" and row["Incl. btw"] == "60,50"
    assert row["Factuurdatum"] == "2026-03-20" and row["Status"] == "Ontvangen"
    sheet = _xlsx(_export(client_a, "purchase", "xlsx"))
    assert sorted(r[2] for r in sheet[1:]) == ["G-1", "V-1", "V-2"]


@pytest.mark.django_db
def test_customer_and_supplier_exports_follow_search_and_archive(client_a, org_a):
    make_customer(org_a, name="Bakkerij De Korf", contact_person="Els", city="Gouda",
                  kvk_number="12345678", iban="NL91ABNA0417164300", payment_term_days=30)
    make_customer(org_a, name="Slagerij Vos", city="Delft")
    rows = _csv(_export(client_a, "customer", "csv", q="korf"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Naam"] == "Bakkerij De Korf" and row["Contactpersoon"] == "Els"
    assert row["Plaats"] == "Gouda" and row["Land"] == "NL" and row["KvK-nummer"] == "12345678"
    assert row["IBAN"] == "NL91ABNA0417164300" and row["Betalingstermijn (dagen)"] == "30"
    assert row["Code"].startswith("D")
    vos = dict(zip(rows[0], _csv(_export(client_a, "customer", "csv", q="vos"))[1], strict=True))
    assert vos["Betalingstermijn (dagen)"] == str(org_a.payment_term_days)
    assert _csv(_export(client_a, "customer", "csv", archived="1"))[1:] == []
    make_supplier(org_a, name="Groothandel Verf")
    assert [r[1] for r in _xlsx(_export(client_a, "supplier", "xlsx"))[1:]] == [
        "Groothandel Verf"]


@pytest.mark.django_db
def test_unknown_format_is_not_found_and_the_lists_link_their_exports(client_a, invoices):
    assert _export(client_a, "invoice", "pdf").status_code == 404
    page = client_a.get(reverse("invoicing:invoice_list"), {"status": "open", "q": "a b"})
    html = page.content.decode()
    assert 'href="/invoices/export.csv?status=open&amp;q=a+b"' in html.replace(
        reverse("invoicing:invoice_export", args=["csv"]), "/invoices/export.csv")
    assert reverse("invoicing:invoice_export", args=["xlsx"]) in html
    for name in ("purchase", "customer", "supplier"):
        listing = client_a.get(reverse(f"invoicing:{name}_list")).content.decode()
        assert reverse(f"invoicing:{name}_export", args=["csv"]) in listing


@pytest.mark.django_db
def test_exports_need_a_login(client):
    response = client.get(reverse("invoicing:invoice_export", args=["csv"]))
    assert response.status_code == 302
