"""Read-side of the start page: open and overdue amounts, revenue per month, first steps.

Each figure is one aggregate query, whatever the number of invoices."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from invoicing.extensions import StartItem
from invoicing.models import Customer, InvoiceKind, InvoiceStatus, SalesInvoice

CENT = Decimal("0.01")
MONTHS = 12
# What is still to be paid, in EUR at the invoice's own rate (1 for EUR invoices).
_OPEN_EUR = ExpressionWrapper(
    (F("gross_total") - F("amount_paid") - F("amount_credited")) * F("exchange_rate"),
    output_field=DecimalField(max_digits=20, decimal_places=8),
)


@dataclass(frozen=True)
class Bar:
    """One month of the chart, drawn in a 240 x 100 box: 12 slots of 20, bars 14 wide."""

    index: int
    month: datetime.date
    amount: Decimal
    height: int  # 0..100, the share of the highest month

    @property
    def x(self) -> int:
        return self.index * 20 + 3

    @property
    def y(self) -> int:
        return 100 - self.height


def receivables(organization, today: datetime.date) -> dict:
    """Count and EUR amount of open and of overdue invoices (credit notes are not owed)."""
    overdue = Q(due_date__lt=today)
    totals = (
        SalesInvoice.objects.for_organization(organization)
        .filter(status=InvoiceStatus.SENT, kind=InvoiceKind.INVOICE)
        .aggregate(open_count=Count("id"), open_amount=Sum(_OPEN_EUR),
                   overdue_count=Count("id", filter=overdue),
                   overdue_amount=Sum(_OPEN_EUR, filter=overdue))
    )
    for key in ("open_amount", "overdue_amount"):
        totals[key] = (totals[key] or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    return totals


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last ``months`` months, the current one last."""
    year, month = today.year, today.month
    starts = []
    for _step in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def revenue_by_month(organization, today: datetime.date) -> list[Bar]:
    """Revenue excl. VAT in EUR per issue month: finalized invoices minus credit notes (whose
    totals are negative), for the last twelve months."""
    starts = month_starts(today)
    rows = (
        SalesInvoice.objects.for_organization(organization)
        .exclude(status=InvoiceStatus.DRAFT)
        .filter(issue_date__gte=starts[0], issue_date__lte=today)
        .annotate(month=TruncMonth("issue_date"))
        .values("month").annotate(amount=Sum("net_total_eur")).order_by()
    )
    amounts = {_as_date(row["month"]): row["amount"] for row in rows}
    values = [amounts.get(start, Decimal(0)) for start in starts]
    highest = max([*values, Decimal(0)])
    return [Bar(index, start, value, _height(value, highest))
            for index, (start, value) in enumerate(zip(starts, values, strict=True))]


def _as_date(value) -> datetime.date:
    # TruncMonth of a DateField is a date on PostgreSQL and may be a datetime elsewhere.
    return value.date() if isinstance(value, datetime.datetime) else value


def _height(value: Decimal, highest: Decimal) -> int:
    if highest <= 0 or value <= 0:
        return 0
    return max(1, int((100 * value / highest).to_integral_value(rounding=ROUND_HALF_UP)))


def first_steps(organization) -> list[StartItem]:
    """What a new business does first, in order; each says whether it is done."""
    has_customer = Customer.objects.for_organization(organization).exists()
    has_invoice = SalesInvoice.objects.for_organization(organization).exists()
    details = all([organization.address, organization.kvk_number, organization.vat_id,
                   organization.iban])
    return [
        StartItem("step", _("Complete your business details"),
                  reverse("accounts:organization_settings"), _("Business details"),
                  done=details),
        StartItem("step", _("Create your first customer"), reverse("invoicing:customer_create"),
                  _("New customer"), done=has_customer),
        StartItem("step", _("Create your first invoice"), reverse("invoicing:invoice_create"),
                  _("New invoice"), done=has_invoice),
    ]
