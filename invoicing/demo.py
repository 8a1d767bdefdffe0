"""Demo rows for `make run`: customers, suppliers, products, a draft, sent and paid invoices,
a credit note and a purchase invoice. Safe to run again (does nothing the second time)."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from invoicing import services
from invoicing.models import Customer, Product, SalesInvoice, Supplier
from invoicing.services import LineData, PurchaseData, PurchaseLineData

CUSTOMERS = [
    {"name": "Bakkerij De Korenschoof", "contact_person": "Els de Vries",
     "address": "Oudegracht 12", "postcode": "3511 AB", "city": "Utrecht",
     "email": "els@korenschoof.test", "kvk_number": "11223344", "vat_id": "NL001122332B01"},
    {"name": "Bouwbedrijf Van Dijk", "address": "Industrieweg 8", "postcode": "5612 AA",
     "city": "Eindhoven", "email": "inkoop@vandijk.test", "vat_id": "NL009988774B01",
     "reverse_charge": True},
    {"name": "Malerbetrieb Schmidt GmbH", "address": "Hauptstraße 5", "postcode": "40213",
     "city": "Düsseldorf", "country": "DE", "email": "info@schmidt.test",
     "vat_id": "DE123456788", "language": "en"},
    {"kind": "private", "name": "J. Jansen", "address": "Lindenlaan 4", "postcode": "1234 AB",
     "city": "Amstelveen", "email": "j.jansen@example.test"},
]
SUPPLIERS = [
    {"name": "Verfgroothandel Noord", "address": "Havenweg 1", "postcode": "9711 AA",
     "city": "Groningen", "email": "facturen@verfnoord.test", "vat_id": "NL005544334B01"},
]
PRODUCTS = [
    ("Schilderwerk per uur", "uur", "52.50", "21", "8000"),
    ("Latex muurverf 10 liter", "stuk", "89.95", "21", "8010"),
    ("Voorrijkosten", "", "35.00", "21", "8000"),
]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def load(organization) -> str:
    if Customer.objects.filter(organization=organization).exists():
        return "already there"
    user = Membership.objects.filter(organization=organization).first().user
    with transaction.atomic():
        customers = [services.party_save(party=Customer(**c), organization=organization)
                     for c in CUSTOMERS]
        supplier = services.party_save(party=Supplier(**SUPPLIERS[0]), organization=organization)
        for description, unit, price, rate, ledger in PRODUCTS:
            Product.objects.create(organization=organization, description=description,
                                   unit=unit, unit_price=Decimal(price), vat_rate=rate,
                                   ledger_account=ledger)
    _invoices(organization, customers, user)
    _purchase(organization, supplier, user)
    return f"{len(customers)} customers, 1 supplier, {len(PRODUCTS)} products, 5 invoices"


def _line(description, quantity, price, rate="21", unit="") -> LineData:
    return LineData(description=description, quantity=Decimal(quantity),
                    unit_price=Decimal(price), vat_rate=rate, unit=unit)


def _draft(organization, customer, lines, days_ago, **fields) -> SalesInvoice:
    invoice = SalesInvoice(customer=customer, language=customer.language,
                           issue_date=timezone.localdate() - datetime.timedelta(days=days_ago),
                           payment_term_days=14, **fields)
    return services.invoice_save_draft(invoice=invoice, organization=organization, lines=lines)


def _invoices(organization, customers, user) -> None:
    bakery, builder, german, private = customers
    paid = _draft(organization, bakery, [_line("Schilderwerk winkelpui", "12", "52.50",
                                               unit="uur"),
                                         _line("Latex muurverf 10 liter", "2", "89.95")], 40)
    paid = services.invoice_finalize(invoice=paid, send_email=False, user=user)
    services.payment_register(invoice=paid, amount=paid.gross_total, user=user,
                              date=paid.issue_date + datetime.timedelta(days=10))
    sent = _draft(organization, builder, [_line("Onderaanneming schilderwerk nieuwbouw", "40",
                                                "45", "reverse", "uur")], 20)
    services.invoice_finalize(invoice=sent, send_email=False, user=user)
    export = _draft(organization, german, [_line("Spray paint equipment", "1", "1250",
                                                 "icp_goods")], 5)
    export = services.invoice_finalize(invoice=export, send_email=False, user=user)
    credit = services.credit_note_create(invoice=export, user=user)
    services.invoice_finalize(invoice=credit, send_email=False, user=user)
    _draft(organization, private, [_line("Schilderwerk woonkamer", "6", "52.50", unit="uur"),
                                   _line("Woonkamer: verf", "1", "89.95", "21")], 0)


def _purchase(organization, supplier, user) -> None:
    today = timezone.localdate()
    data = PurchaseData(
        supplier=supplier, supplier_invoice_number="VN-2026-0142",
        invoice_date=today - datetime.timedelta(days=12),
        due_date=today + datetime.timedelta(days=18), description="Verf en kwasten",
        lines=[PurchaseLineData(vat_rate="21", net_amount=Decimal("412.40"),
                                description="Verf")],
    )
    services.purchase_invoice_register(organization=organization, data=data, user=user,
                                       attachment=ContentFile(PDF, name="VN-2026-0142.pdf"))
