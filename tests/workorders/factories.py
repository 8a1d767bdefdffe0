"""Builders for work orders, going through the real services."""

import datetime
from decimal import Decimal

from invoicing import services as invoicing
from tests.invoicing.factories import make_customer
from workorders import services
from workorders.models import WorkOrder
from workorders.services import WorkOrderLineData

PLANNED = datetime.date(2026, 11, 23)  # a Monday


def hours(quantity="4", rate="52.50", description="Schilderwerk", vat="21") -> WorkOrderLineData:
    return WorkOrderLineData(kind="hours", description=description, quantity=Decimal(quantity),
                             unit_price=Decimal(rate), vat_rate=vat)


def material(quantity="2", price="34.95", description="Grondverf", vat="21",
             product_id=None) -> WorkOrderLineData:
    return WorkOrderLineData(kind="material", description=description,
                             quantity=Decimal(quantity), unit_price=Decimal(price), vat_rate=vat,
                             unit="stuk", product_id=product_id)


def make_work_order(organization, customer=None, lines=None, **fields) -> WorkOrder:
    customer = customer or make_customer(organization)
    defaults = {"planned_date": PLANNED, "planned_start": datetime.time(8, 0),
                "description": "Kozijnen schilderen"}
    work_order = WorkOrder(customer=customer, **{**defaults, **fields})
    return services.work_order_save(work_order=work_order, organization=organization,
                                    lines=[hours()] if lines is None else lines)


def make_done(organization, user, **fields) -> WorkOrder:
    work_order = make_work_order(organization, **fields)
    return services.work_order_mark_done(work_order=work_order, signed_off_by="P. Klant",
                                         user=user)


def make_checked(organization, user, **fields) -> WorkOrder:
    """Checked: with its draft invoice (or handed over to the accounting link)."""
    work_order = make_done(organization, user, **fields)
    return services.work_order_mark_checked(work_order=work_order, user=user).work_order


def make_invoiced(organization, user, **fields) -> WorkOrder:
    """Checked, and its draft invoice finalized as the user does."""
    work_order = make_checked(organization, user, **fields)
    invoicing.invoice_finalize(invoice=work_order.invoice, send_email=False, user=user)
    work_order.refresh_from_db()
    return work_order
