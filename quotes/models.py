"""Quotes (offertes): a customer, lines, VAT and totals priced exactly like an invoice, a
validity date, and the states a quote goes through. Sent quotes are frozen snapshots; the
workflows are in services.py."""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import LANGUAGE_CHOICES
from accounts.tenancy import OrganizationOwnedModel
from invoicing.models import (
    MAX_DESCRIPTION,
    ZERO,
    Customer,
    ImmutableError,
    Product,
    SalesInvoice,
    money_field,
)
from invoicing.vat import VatRate

VALIDITY_DAYS = 30


def default_valid_until() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=VALIDITY_DAYS)


def token_hash(token: str) -> str:
    """What is stored of a public link's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CONVERTED = "converted", _("Converted")


STATUS_BADGES = {
    QuoteStatus.DRAFT: "badge-muted",
    QuoteStatus.SENT: "badge-info",
    QuoteStatus.ACCEPTED: "badge-success",
    QuoteStatus.DECLINED: "badge-danger",
    QuoteStatus.EXPIRED: "badge-warning",
    QuoteStatus.CONVERTED: "badge-success",
}

# What a sent quote may still change: its state, the customer's answer, its link and the
# invoice it became. Everything the customer saw stays as it was sent.
MUTABLE_AFTER_SENT = frozenset({
    "status", "responded_at", "response_name", "response_remark", "responded_by",
    "token_hash", "converted_invoice", "updated_at",
})


class Quote(OrganizationOwnedModel):
    status = models.CharField(_("status"), max_length=10, choices=QuoteStatus.choices,
                              default=QuoteStatus.DRAFT)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="quotes")
    number = models.CharField(_("number"), max_length=50, blank=True, editable=False)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    issue_date = models.DateField(_("quote date"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), default=default_valid_until)
    language = models.CharField(_("document language"), max_length=5, choices=LANGUAGE_CHOICES,
                                default="nl")
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    reference = models.CharField(_("your reference"), max_length=100, blank=True)
    note = models.TextField(_("note on the quote"), max_length=MAX_DESCRIPTION, blank=True)

    net_total = money_field(_("total excl. VAT"))
    vat_total = money_field(_("VAT"))
    gross_total = money_field(_("total incl. VAT"))

    # The frozen snapshot (filled when sent; the PDF renders only from these).
    seller = models.JSONField(_("seller"), default=dict, blank=True, editable=False)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="quotes/%Y/", blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    # The public link: only the SHA-256 of its token; empty when there is no live link.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)

    responded_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    response_name = models.CharField(_("name"), max_length=150, blank=True)
    response_remark = models.TextField(_("remark"), max_length=2000, blank=True)
    # Who registered the answer in the app; empty when the customer answered through the link.
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+", editable=False)
    # One-to-one: the database itself refuses a second conversion.
    converted_invoice = models.OneToOneField(
        SalesInvoice, verbose_name=_("invoice"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="quote", editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], condition=~Q(number=""),
                                    name="quote_number_unique"),
            models.CheckConstraint(condition=Q(status="draft") | ~Q(number=""),
                                   name="quote_sent_has_number"),
            models.UniqueConstraint(fields=["token_hash"], condition=~Q(token_hash=""),
                                    name="quote_token_unique"),
        ]
        indexes = [models.Index(fields=["organization", "-issue_date", "-id"]),
                   models.Index(fields=["status", "valid_until"])]

    def __str__(self) -> str:
        return self.number or str(_("Draft quote"))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        return getattr(self, "_stored_status", QuoteStatus.DRAFT) == QuoteStatus.DRAFT

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self.is_draft and (update_fields is None
                                  or not set(update_fields) <= MUTABLE_AFTER_SENT):
            raise ImmutableError("A sent quote cannot be changed.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise ImmutableError("A sent quote cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def is_foreign_currency(self) -> bool:
        return False

    @property
    def has_live_link(self) -> bool:
        return bool(self.token_hash) and self.link_is_valid()

    def link_is_valid(self, today: datetime.date | None = None) -> bool:
        """A public link works while the quote is sent and its validity date has not passed."""
        today = today or timezone.localdate()
        return self.status == QuoteStatus.SENT and self.valid_until >= today


class FrozenWithQuote(models.Model):
    """Rows of a quote's snapshot: writable only while the quote is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.quote.is_draft:
            raise ImmutableError("The lines of a sent quote cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.quote.is_draft:
            raise ImmutableError("The lines of a sent quote cannot be deleted.")
        return super().delete(*args, **kwargs)


class QuoteLine(FrozenWithQuote):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                null=True, blank=True)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2,
                                           default=ZERO)
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=VatRate.choices)
    net_amount = money_field(_("amount excl. VAT"))
    vat_amount = money_field(_("VAT"))
    gross_amount = money_field(_("amount incl. VAT"))

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class QuoteVatTotal(FrozenWithQuote):
    """Totals of one VAT rate on a quote, with the VAT computed on the rate's total."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="vat_totals")
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=VatRate.choices)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    net_amount = money_field(_("amount excl. VAT"))
    vat_amount = money_field(_("VAT"))
    gross_amount = money_field(_("amount incl. VAT"))

    class Meta:
        verbose_name = _("quote VAT total")
        verbose_name_plural = _("quote VAT totals")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["quote", "vat_rate"],
                                               name="quote_vat_total_rate_unique")]

    def __str__(self) -> str:
        return f"{self.get_vat_rate_display()}: {self.net_amount} + {self.vat_amount}"


class QuoteEmail(OrganizationOwnedModel):
    """One email of a quote: written before the task that sends it. The body is stored
    without the public link: the task mints the link's token when it sends (only its hash is
    ever stored)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="emails")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote email")
        verbose_name_plural = _("quote emails")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
