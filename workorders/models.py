"""Work orders (werkbonnen): planned work at a customer's address, the hours and materials
used, the customer's sign-off, and the way to an invoice.

States and the only transitions allowed (guards here, workflows in services.py)::

    open ──done──> done ──check──> checked ──(invoice finalized)──> invoiced
      ^              │
      └───reopen─────┘

A checked work order is on its way to an invoice; it is never reopened or edited again, so an
invoice always matches the work order it came from."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import OrganizationOwnedModel, OrganizationQuerySet
from invoicing.models import (
    MAX_DESCRIPTION,
    Customer,
    Product,
    SalesInvoice,
    validate_business_date,
)
from invoicing.money import ZERO, line_amounts
from invoicing.vat import VatRate, sales_rate

MAX_LINES = 200


class WorkOrderError(Exception):
    """A work order workflow refused; ``messages`` are for the user (already translated)."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


class WorkOrderState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CHECKED = "checked", _("Checked")
    INVOICED = "invoiced", _("Invoiced")


# (from, to): every transition a work order may make. Nothing else, in particular no
# open -> invoiced and nothing back out of checked or invoiced.
TRANSITIONS = frozenset({
    (WorkOrderState.OPEN, WorkOrderState.DONE),
    (WorkOrderState.DONE, WorkOrderState.OPEN),
    (WorkOrderState.DONE, WorkOrderState.CHECKED),
    (WorkOrderState.CHECKED, WorkOrderState.INVOICED),
})
EDITABLE_STATES = frozenset({WorkOrderState.OPEN, WorkOrderState.DONE})
# What the editor may change; state, sign-off and invoice fields change only in the transitions.
HEADER_FIELDS = ["customer", "planned_date", "planned_start", "planned_end", "assigned_to",
                 "work_street", "work_postcode", "work_city", "description", "notes"]


class InvoiceChannel(models.TextChoices):
    """Who makes the invoice of a checked work order."""

    OWN = "own", _("Our invoicing")
    ACCOUNTING = "accounting", _("The invoicing module of the accounting link")


class WorkOrderCounter(OrganizationOwnedModel):
    """The next work order number of one organization, locked with SELECT ... FOR UPDATE
    while a work order is created; the unique constraint on the number is the backstop."""

    next_value = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("work order counter")
        verbose_name_plural = _("work order counters")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="work_order_counter_unique")
        ]

    def __str__(self) -> str:
        return f"W → {self.next_value}"


class WorkOrderQuerySet(OrganizationQuerySet):
    def planned_between(self, first: datetime.date, last: datetime.date):
        return self.filter(planned_date__gte=first, planned_date__lte=last).order_by(
            "planned_date", "planned_start", "number"
        )


class WorkOrder(OrganizationOwnedModel):
    number = models.CharField(_("number"), max_length=20, editable=False)
    state = models.CharField(
        _("status"), max_length=10, choices=WorkOrderState.choices, default=WorkOrderState.OPEN,
        editable=False,
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="work_orders",
    )
    work_street = models.CharField(_("street and number"), max_length=200, blank=True)
    work_postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    work_city = models.CharField(_("city"), max_length=100, blank=True)
    planned_date = models.DateField(_("planned date"), validators=[validate_business_date])
    planned_start = models.TimeField(_("start time"))
    planned_end = models.TimeField(_("end time"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    description = models.TextField(_("work to be done"), max_length=MAX_DESCRIPTION)
    notes = models.TextField(_("notes"), max_length=MAX_DESCRIPTION, blank=True)
    signed_off_by = models.CharField(_("signed off by"), max_length=150, blank=True,
                                     editable=False)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True,
                                         editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    invoice_channel = models.CharField(
        _("invoiced through"), max_length=12, choices=InvoiceChannel.choices, blank=True,
        editable=False,
    )
    # One invoice per work order, guaranteed by the database. SET_NULL: a draft invoice that
    # the user deletes frees the work order to make a new one (a sent invoice cannot be deleted).
    invoice = models.OneToOneField(
        SalesInvoice, verbose_name=_("invoice"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="work_order", editable=False,
    )
    external_invoice_number = models.CharField(
        _("invoice number in the accounting package"), max_length=50, blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-planned_date", "-planned_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"],
                                    name="work_order_number_unique"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_end__gt=models.F("planned_start")),
                name="work_order_end_after_start",
                violation_error_message=_("The end time must be after the start time."),
            ),
            models.CheckConstraint(
                condition=~Q(state="invoiced") | Q(invoice__isnull=False)
                | ~Q(external_invoice_number=""),
                name="work_order_invoiced_has_invoice",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "planned_date", "planned_start"]),
            models.Index(fields=["organization", "state"]),
        ]

    def __str__(self) -> str:
        return self.number or str(_("New work order"))

    def clean(self):
        super().clean()
        if self.planned_end and self.planned_start and self.planned_end <= self.planned_start:
            raise ValidationError({"planned_end": _("The end time must be after the start time.")})

    @property
    def lines_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def work_address(self) -> str:
        place = " ".join(part for part in (self.work_postcode, self.work_city) if part)
        return ", ".join(part for part in (self.work_street, place) if part)

    def can_move_to(self, target: str) -> bool:
        return (self.state, target) in TRANSITIONS

    def move_to(self, target: str) -> None:
        """Change the state, or refuse with a message naming both states."""
        if not self.can_move_to(target):
            raise WorkOrderError(
                _("A work order cannot go from “%(current)s” to “%(target)s”.") % {
                    "current": WorkOrderState(self.state).label,
                    "target": WorkOrderState(target).label,
                }
            )
        self.state = target

    @property
    def awaits_own_invoice(self) -> bool:
        """Checked, for our own invoicing, and the invoice is not finalized yet."""
        return (self.state == WorkOrderState.CHECKED and self.invoice_channel == InvoiceChannel.OWN
                and (self.invoice is None or self.invoice.is_draft))

    def net_total(self) -> Decimal:
        return sum((line.net_amount for line in self.lines.all()), ZERO)


class LineKind(models.TextChoices):
    HOURS = "hours", _("Hours")
    MATERIAL = "material", _("Materials")


class WorkOrderLine(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices,
                            default=LineKind.HOURS)
    description = models.CharField(_("description"), max_length=500)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2,
                                   validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("rate or price"), max_digits=14, decimal_places=4,
                                     validators=[MinValueValidator(0)])
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=VatRate.choices,
                                default=VatRate.HIGH)

    class Meta:
        verbose_name = _("work order line")
        verbose_name_plural = _("work order lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="work_order_line_qty_gte_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0),
                                   name="work_order_line_price_gte_0"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def net_amount(self) -> Decimal:
        return line_amounts(quantity=self.quantity, unit_price=self.unit_price,
                            discount_percent=ZERO,
                            percentage=sales_rate(self.vat_rate).percentage).net
