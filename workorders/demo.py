"""Demo work orders for `make run`: this week's planning with work orders that are open,
done, checked (with its draft invoice) and invoiced. Safe to run again (does nothing the
second time)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from invoicing import services as invoicing
from invoicing.models import Customer, Product
from workorders import services
from workorders.models import LineKind, WorkOrder
from workorders.services import WorkOrderLineData

DEMO_CUSTOMER = {"name": "Familie Bakker", "kind": "private", "address": "Vondelstraat 20",
                 "postcode": "1054 GE", "city": "Amsterdam", "email": "bakker@example.test"}

# (weekday offset from Monday, start hour, description, lines as (kind, description, qty, price))
JOBS = [
    (0, 8, "Kozijnen schuren en grondverf", [("hours", "Schilderwerk kozijnen", "6", "52.50"),
                                              ("material", "Grondverf 2,5 liter", "2", "34.95")]),
    (1, 9, "Plafond woonkamer sauzen", [("hours", "Sauswerk plafond", "4", "52.50")]),
    (2, 13, "Voordeur lakken", [("hours", "Lakwerk voordeur", "3", "52.50"),
                                ("material", "Aflak hoogglans 750 ml", "1", "24.50")]),
    (3, 8, "Houtrot herstellen achtergevel", []),
]


def _lines(specification, products) -> list[WorkOrderLineData]:
    return [
        WorkOrderLineData(kind=kind, description=description, quantity=Decimal(quantity),
                          unit_price=Decimal(price), unit="uur" if kind == LineKind.HOURS else "",
                          product_id=products.get(description))
        for kind, description, quantity, price in specification
    ]


def _customers(organization) -> list[Customer]:
    customers = list(Customer.objects.for_organization(organization).filter(archived=False)
                     .filter(country="NL")[:3])
    if not customers:
        customers = [invoicing.party_save(party=Customer(**DEMO_CUSTOMER),
                                          organization=organization)]
    return customers


def load(organization) -> str:
    if WorkOrder.objects.for_organization(organization).exists():
        return "already there"
    user = Membership.objects.filter(organization=organization).first().user
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    products = dict(Product.objects.for_organization(organization)
                    .values_list("description", "pk"))
    with transaction.atomic():
        customers = _customers(organization)
        orders = []
        for index, (offset, hour, description, lines) in enumerate(JOBS):
            work_order = WorkOrder(
                customer=customers[index % len(customers)], assigned_to=user,
                planned_date=monday + datetime.timedelta(days=offset),
                planned_start=datetime.time(hour), planned_end=datetime.time(hour + 3),
                description=description,
            )
            orders.append(services.work_order_save(work_order=work_order,
                                                   organization=organization,
                                                   lines=_lines(lines, products)))
    for work_order in orders[:3]:
        services.work_order_mark_done(work_order=work_order, signed_off_by="J. de Klant",
                                      user=user)
    # Checking makes a draft invoice: the first is finalized (invoiced), the second waits for
    # the user to review its draft.
    drafts = [services.work_order_mark_checked(work_order=work_order, user=user).invoice
              for work_order in orders[:2]]
    invoicing.invoice_finalize(invoice=drafts[0], send_email=False, user=user)
    return f"{len(orders)} work orders this week (invoiced, checked, done, open)"
