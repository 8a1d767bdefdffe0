"""Recurring invoice templates, their lines, and one Generation row per (template, period):
the database's guarantee that a period is invoiced at most once."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import LANGUAGE_CHOICES
from accounts.tenancy import OrganizationOwnedModel
from invoicing.models import (
    MAX_DESCRIPTION,
    Customer,
    Product,
    SalesInvoice,
    validate_business_date,
)
from invoicing.vat import VatRate
from recurring.periods import Frequency, period_date, within_schedule

MAX_COUNT = 1000


class Mode(models.TextChoices):
    SEND = "send", _("Finalize and email at once")
    REVIEW = "review", _("Leave as a draft for review")


class RecurringTemplate(OrganizationOwnedModel):
    name = models.CharField(_("name"), max_length=100)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    start_date = models.DateField(_("first invoice date"), validators=[validate_business_date])
    end_date = models.DateField(_("last invoice date"), null=True, blank=True,
                                validators=[validate_business_date])
    count = models.PositiveIntegerField(
        _("number of invoices"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)])
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"), default=14, validators=[MaxValueValidator(365)])
    language = models.CharField(_("document language"), max_length=5, choices=LANGUAGE_CHOICES,
                                default="nl")
    reference = models.CharField(_("your reference"), max_length=100, blank=True)
    note = models.TextField(_("note on the invoice"), max_length=MAX_DESCRIPTION, blank=True)
    mode = models.CharField(_("each invoice"), max_length=10, choices=Mode.choices,
                            default=Mode.REVIEW)
    active = models.BooleanField(_("active"), default=True)
    # The cursor: the next period to invoice and its date (None: the schedule has ended).
    next_period = models.PositiveIntegerField(default=0, editable=False)
    next_date = models.DateField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("recurring invoice")
        verbose_name_plural = _("recurring invoices")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(count__isnull=True),
                                   name="recurring_end_date_or_count"),
        ]
        # The beat run's question: which active templates are due?
        indexes = [models.Index(fields=["next_date", "id"], condition=Q(active=True),
                                name="recurring_due")]

    def __str__(self) -> str:
        return self.name

    def date_of(self, index: int) -> datetime.date:
        return period_date(self.start_date, self.frequency, index)

    def scheduled_date(self, index: int) -> datetime.date | None:
        """Period ``index``'s date, or None when the schedule ends before it."""
        date = self.date_of(index)
        if within_schedule(index=index, date=date, end_date=self.end_date, count=self.count):
            return date
        return None

    def advance(self) -> None:
        self.next_period += 1
        self.next_date = self.scheduled_date(self.next_period)

    def is_due(self, today: datetime.date) -> bool:
        return self.active and self.next_date is not None and self.next_date <= today

    def upcoming(self, how_many: int = 3) -> list[datetime.date]:
        dates = [self.scheduled_date(self.next_period + i) for i in range(how_many)]
        return [date for date in dates if date is not None]


class RecurringLine(models.Model):
    template = models.ForeignKey(RecurringTemplate, on_delete=models.CASCADE,
                                 related_name="lines")
    position = models.PositiveIntegerField()
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2,
                                           default=0)
    vat_rate = models.CharField(_("VAT"), max_length=12, choices=VatRate.choices)
    ledger_account = models.CharField(max_length=10, blank=True)
    cost_centre = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.description[:80]


class Generation(OrganizationOwnedModel):
    """Period ``period`` of a template was invoiced. Written in the same transaction as the
    invoice's draft, under the template's row lock; the unique constraint makes a second
    invoice for the same period impossible, whatever runs at the same time."""

    template = models.ForeignKey(RecurringTemplate, on_delete=models.SET_NULL, null=True,
                                 related_name="generations")
    template_name = models.CharField(max_length=100)  # kept when the template is deleted
    period = models.PositiveIntegerField()
    period_date = models.DateField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices)  # names the period
    # A draft the user deletes leaves the period invoiced (and not made again).
    invoice = models.OneToOneField(SalesInvoice, on_delete=models.SET_NULL, null=True,
                                   related_name="recurring_generation")
    problem = models.TextField(blank=True)  # why an automatic finalize stayed a draft
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["template", "period"],
                                               name="recurring_generation_once")]

    def __str__(self) -> str:
        return f"{self.template_name} #{self.period + 1}"
