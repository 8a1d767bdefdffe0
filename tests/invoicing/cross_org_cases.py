"""Every object URL of invoicing: another organization's user gets 404."""

from django.core.files.base import ContentFile
from django.urls import reverse

from invoicing.services import (
    PurchaseData,
    PurchaseLineData,
    purchase_invoice_correct,
    purchase_invoice_register,
)
from tests.invoicing.factories import make_customer, make_draft, make_product, make_sent
from tests.invoicing.factories import make_supplier as _supplier


def _url(name, obj, method="get"):
    return method, reverse(name, args=[obj.pk])


def _purchase(org_a, user_a):
    from datetime import date
    from decimal import Decimal

    upload = ContentFile(b"%PDF-1.4\n%%EOF\n", name="f.pdf")
    data = PurchaseData(supplier=_supplier(org_a), supplier_invoice_number="X1",
                        invoice_date=date(2026, 3, 1), due_date=date(2026, 3, 31),
                        lines=[PurchaseLineData(vat_rate="21", net_amount=Decimal("10"))])
    return purchase_invoice_register(organization=org_a, data=data, attachment=upload,
                                     user=user_a)


def _draft(org_a, user_a):
    """The draft replacement a correction opens."""
    return purchase_invoice_correct(invoice=_purchase(org_a, user_a), user=user_a)[1]


CASES = {
    "invoicing:customer_detail": lambda o, u: _url("invoicing:customer_detail",
                                                   make_customer(o)),
    "invoicing:customer_edit": lambda o, u: _url("invoicing:customer_edit", make_customer(o)),
    "invoicing:customer_archive": lambda o, u: _url("invoicing:customer_archive",
                                                    make_customer(o), "post"),
    "invoicing:supplier_detail": lambda o, u: _url("invoicing:supplier_detail", _supplier(o)),
    "invoicing:supplier_edit": lambda o, u: _url("invoicing:supplier_edit", _supplier(o)),
    "invoicing:supplier_archive": lambda o, u: _url("invoicing:supplier_archive", _supplier(o),
                                                    "post"),
    "invoicing:product_edit": lambda o, u: _url("invoicing:product_edit", make_product(o)),
    "invoicing:product_archive": lambda o, u: _url("invoicing:product_archive",
                                                   make_product(o), "post"),
    "invoicing:invoice_detail": lambda o, u: _url("invoicing:invoice_detail", make_draft(o)),
    "invoicing:invoice_edit": lambda o, u: _url("invoicing:invoice_edit", make_draft(o)),
    "invoicing:invoice_delete": lambda o, u: _url("invoicing:invoice_delete", make_draft(o),
                                                  "post"),
    "invoicing:invoice_finalize": lambda o, u: _url("invoicing:invoice_finalize",
                                                    make_draft(o)),
    "invoicing:invoice_preview": lambda o, u: _url("invoicing:invoice_preview", make_draft(o)),
    "invoicing:invoice_pdf": lambda o, u: _url("invoicing:invoice_pdf", make_sent(o, u)),
    "invoicing:invoice_email": lambda o, u: _url("invoicing:invoice_email", make_sent(o, u),
                                                 "post"),
    "invoicing:payment_register": lambda o, u: _url("invoicing:payment_register",
                                                    make_sent(o, u), "post"),
    "invoicing:credit_note_create": lambda o, u: _url("invoicing:credit_note_create",
                                                      make_sent(o, u)),
    "invoicing:purchase_detail": lambda o, u: _url("invoicing:purchase_detail", _purchase(o, u)),
    "invoicing:purchase_attachment": lambda o, u: _url("invoicing:purchase_attachment",
                                                       _purchase(o, u)),
    "invoicing:purchase_mark_paid": lambda o, u: _url("invoicing:purchase_mark_paid",
                                                      _purchase(o, u), "post"),
    "invoicing:purchase_correct": lambda o, u: _url("invoicing:purchase_correct",
                                                    _purchase(o, u)),
    "invoicing:purchase_edit": lambda o, u: _url("invoicing:purchase_edit", _draft(o, u)),
    "invoicing:purchase_delete": lambda o, u: _url("invoicing:purchase_delete", _draft(o, u),
                                                   "post"),
}
