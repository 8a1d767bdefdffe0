"""The database itself refuses to change a finalized invoice or a booked purchase invoice,
even when the model guards are bypassed (queryset.update, raw SQL, another app)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from invoicing import services
from invoicing.models import PurchaseInvoice, SalesInvoice, SalesInvoiceLine
from tests.invoicing.factories import line, make_draft, make_sent, make_supplier


def _refused(statement, params=()):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_finalized_sales_invoice_is_guarded_by_the_database(org_a, user_a):
    invoice = make_sent(org_a, user_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoice.objects.filter(pk=invoice.pk).update(gross_total=Decimal("1"))
    _refused("UPDATE invoicing_salesinvoice SET buyer = '{}' WHERE id = %s", [invoice.pk])
    _refused("UPDATE invoicing_salesinvoice SET status = 'draft' WHERE id = %s", [invoice.pk])
    _refused("DELETE FROM invoicing_salesinvoice WHERE id = %s", [invoice.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesInvoiceLine.objects.filter(invoice=invoice).update(unit_price=Decimal("0"))
    _refused("DELETE FROM invoicing_salesinvoicevattotal WHERE invoice_id = %s", [invoice.pk])
    # Payment state may still change.
    SalesInvoice.objects.filter(pk=invoice.pk).update(amount_paid=Decimal("1.00"))
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("1.00") and invoice.lines.count() == 1


@pytest.mark.django_db
def test_drafts_stay_editable_in_the_database(org_a):
    draft = make_draft(org_a)
    services.invoice_save_draft(invoice=draft, organization=org_a, lines=[line(), line()])
    SalesInvoice.objects.filter(pk=draft.pk).update(note="changed")
    services.invoice_delete_draft(invoice=SalesInvoice.objects.get(pk=draft.pk))
    assert not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_booked_purchase_invoice_is_guarded_by_the_database(org_a, user_a):
    import datetime

    data = services.PurchaseData(
        supplier=make_supplier(org_a), supplier_invoice_number="P-1",
        invoice_date=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 31),
        lines=[services.PurchaseLineData(vat_rate="21", net_amount=Decimal("10"))],
    )
    invoice = services.purchase_invoice_register(organization=org_a, data=data,
                                                 attachment=None, user=user_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchaseInvoice.objects.filter(pk=invoice.pk).update(gross_total=Decimal("0"))
    _refused("DELETE FROM invoicing_purchaseinvoiceline WHERE invoice_id = %s", [invoice.pk])
    services.purchase_invoice_mark_paid(invoice=invoice, date=datetime.date(2026, 3, 20))
    assert PurchaseInvoice.objects.get(pk=invoice.pk).status == "paid"


@pytest.mark.django_db
def test_a_deliberate_repair_can_switch_the_guard_off_for_one_transaction(org_a, user_a):
    invoice = make_sent(org_a, user_a)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL facturen.repair_finalized = 'on'")
        SalesInvoice.objects.filter(pk=invoice.pk).update(reference="repaired")
    assert SalesInvoice.objects.get(pk=invoice.pk).reference == "repaired"


@pytest.mark.django_db
def test_products_and_users_on_a_finalized_invoice_cannot_be_deleted(org_a, user_a):
    from django.db.models import ProtectedError

    from tests.invoicing.factories import make_product

    product = make_product(org_a)
    draft = make_draft(org_a)
    services.invoice_save_draft(invoice=draft, organization=org_a, lines=[
        services.LineData(description="Uur", quantity=Decimal(1), unit_price=Decimal(50),
                          vat_rate="21", product_id=product.pk)])
    services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    with pytest.raises(ProtectedError):
        product.delete()
    with pytest.raises(ProtectedError):
        user_a.delete()
