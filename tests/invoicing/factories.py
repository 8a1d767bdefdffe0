"""Builders for invoicing rows, going through the real services."""

import datetime
from decimal import Decimal

from invoicing import services
from invoicing.models import Customer, Product, SalesInvoice, Supplier
from invoicing.services import LineData


def make_customer(organization, **fields) -> Customer:
    defaults = {
        "name": "Klant B.V.", "address": "Dorpsstraat 1", "postcode": "1234 AB",
        "city": "Utrecht", "country": "NL", "email": "klant@example.test",
        "vat_id": "NL999999990B01",
    }
    return services.party_save(party=Customer(**{**defaults, **fields}), organization=organization)


def make_supplier(organization, **fields) -> Supplier:
    defaults = {"name": "Leverancier B.V.", "address": "Weg 2", "postcode": "2345 BC",
                "city": "Rotterdam", "country": "NL"}
    return services.party_save(party=Supplier(**{**defaults, **fields}), organization=organization)


def make_product(organization, **fields) -> Product:
    defaults = {"description": "Schilderwerk per uur", "unit": "uur",
                "unit_price": Decimal("55.00"), "vat_rate": "21"}
    return Product.objects.create(organization=organization, **{**defaults, **fields})


def line(description="Werkzaamheden", quantity="1", price="100.00", rate="21", discount="0",
         unit="") -> LineData:
    return LineData(description=description, quantity=Decimal(quantity),
                    unit_price=Decimal(price), vat_rate=rate, discount_percent=Decimal(discount),
                    unit=unit)


def make_draft(organization, customer=None, lines=None, **fields) -> SalesInvoice:
    customer = customer or make_customer(organization)
    defaults = {"issue_date": datetime.date(2026, 3, 2), "payment_term_days": 14,
                "language": customer.language}
    invoice = SalesInvoice(customer=customer, **{**defaults, **fields})
    return services.invoice_save_draft(
        invoice=invoice, organization=organization, lines=lines or [line()]
    )


def make_sent(organization, user, customer=None, lines=None, **fields) -> SalesInvoice:
    draft = make_draft(organization, customer=customer, lines=lines, **fields)
    return services.invoice_finalize(invoice=draft, send_email=False, user=user)
