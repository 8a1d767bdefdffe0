"""The two events the accounting sync hangs on run inside the service's transaction."""

import datetime
from decimal import Decimal

import pytest

from invoicing import services, signals
from invoicing.models import PurchaseInvoice, SalesInvoice
from tests.invoicing.factories import make_draft, make_supplier


class Boom(Exception):
    pass


@pytest.fixture
def failing_receiver():
    calls = []

    def receiver(sender, invoice, **kwargs):
        calls.append(invoice.pk)
        raise Boom

    signals.sales_invoice_finalized.connect(receiver, dispatch_uid="test-fail")
    signals.purchase_invoice_registered.connect(receiver, dispatch_uid="test-fail-p")
    yield calls
    signals.sales_invoice_finalized.disconnect(dispatch_uid="test-fail")
    signals.purchase_invoice_registered.disconnect(dispatch_uid="test-fail-p")


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_rolls_back_the_finalize(org_a, user_a, failing_receiver):
    draft = make_draft(org_a)
    with pytest.raises(Boom):
        services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    assert failing_receiver == [draft.pk]
    draft = SalesInvoice.objects.get(pk=draft.pk)
    assert draft.status == "draft" and draft.number == ""
    signals.sales_invoice_finalized.disconnect(dispatch_uid="test-fail")
    again = services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    assert again.number == "2026-0001"  # the number was not used up


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_rolls_back_the_purchase(org_a, user_a, failing_receiver):
    data = services.PurchaseData(
        supplier=make_supplier(org_a), supplier_invoice_number="A-1",
        invoice_date=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 31),
        lines=[services.PurchaseLineData(vat_rate="21", net_amount=Decimal("10"))],
    )
    with pytest.raises(Boom):
        services.purchase_invoice_register(organization=org_a, data=data, attachment=None,
                                           user=user_a)
    assert len(failing_receiver) == 1
    assert not PurchaseInvoice.objects.exists()
