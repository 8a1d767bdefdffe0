"""Customers, suppliers, products, sales invoices (and credit notes), payments, email log,
purchase invoices and the numbering counters. Models hold fields, constraints, guards and
derived values; the workflows are in services.py."""

import datetime
from decimal import Decimal

from babel.numbers import list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.identifiers import normalize_party_fields, validate_iban
from accounts.models import LANGUAGE_CHOICES, kvk_validator
from accounts.tenancy import OrganizationOwnedModel, OrganizationQuerySet
from invoicing.vat import PurchaseVatRate, VatRate, ebh_purchase_code, ebh_sales_code

ZERO = Decimal("0.00")
MAX_LINES = 500
MAX_DESCRIPTION = 2000


def currency_validator(value: str) -> None:
    """An ISO 4217 code that Babel (CLDR) knows: USD yes, DOLLAR or XYZ no."""
    if value not in list_currencies():
        raise ValidationError(_("%(value)s is not a currency code; enter one like USD or GBP."),
                              params={"value": value})


MAX_AMOUNT = Decimal("999999999999.99")  # the largest amount a money_field can hold


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, default=ZERO, **kwargs
    )


class ImmutableError(Exception):
    """Raised when code tries to change or delete a finalized document."""


# --------------------------------------------------------------------------- parties


class PartyKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PRIVATE = "private", _("Private person")


class Party(OrganizationOwnedModel):
    """Shared fields of customers (debiteuren) and suppliers (crediteuren)."""

    CODE_PREFIX = ""

    code = models.CharField(_("relation code"), max_length=15, editable=False)
    kind = models.CharField(
        _("type"), max_length=10, choices=PartyKind.choices, default=PartyKind.COMPANY
    )
    name = models.CharField(_("name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="NL")
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[kvk_validator]
    )
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Empty: the organization's default payment term."),
    )
    language = models.CharField(
        _("document language"), max_length=5, choices=LANGUAGE_CHOICES, default="nl"
    )
    reverse_charge = models.BooleanField(
        _("VAT reverse charged by default"),
        default=False,
        help_text=_("New invoice lines for this party use the reverse charge rate."),
    )
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    def clean(self) -> None:
        super().clean()
        normalize_party_fields(self)

    def snapshot(self) -> dict:
        """The fields an invoice freezes about this party."""
        fields = ["code", "kind", "name", "contact_person", "address", "postcode", "city",
                  "email", "phone", "kvk_number", "vat_id", "iban"]
        return {name: getattr(self, name) for name in fields} | {"country": self.country.code}


class Customer(Party):
    CODE_PREFIX = "D"

    send_reminders = models.BooleanField(
        _("send payment reminders"), default=True,
        help_text=_("Overdue invoices of this customer get the reminders of your schedule."),
    )

    class Meta(Party.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="customer_code_unique")
        ]
        indexes = [models.Index(fields=["organization", "archived", "name"])]


class Supplier(Party):
    CODE_PREFIX = "C"

    class Meta(Party.Meta):
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="supplier_code_unique")
        ]
        indexes = [models.Index(fields=["organization", "archived", "name"])]


class Product(OrganizationOwnedModel):
    description = models.CharField(_("description"), max_length=MAX_DESCRIPTION)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=4, validators=[MinValueValidator(0)]
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=12, choices=VatRate.choices, default=VatRate.HIGH
    )
    ledger_account = models.CharField(
        _("ledger account"), max_length=10, blank=True,
        help_text=_("Optional revenue account code, e.g. 8000."),
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["description", "id"]

    def __str__(self) -> str:
        return self.description[:80]


# --------------------------------------------------------------------------- numbering


class NumberCounter(OrganizationOwnedModel):
    """The next number of one series (invoices per year, customer and supplier codes).

    Locked with SELECT ... FOR UPDATE inside the finalize transaction: concurrent finalizes
    queue on this row, so numbers are consecutive without gaps; the unique constraint on
    (organization, number) of invoices is the backstop."""

    class Series(models.TextChoices):
        INVOICE = "invoice", _("Invoices")
        CUSTOMER = "customer", _("Customers")
        SUPPLIER = "supplier", _("Suppliers")
        QUOTE = "quote", _("Quotes")

    series = models.CharField(max_length=10, choices=Series.choices)
    year = models.PositiveSmallIntegerField(default=0, help_text=_("0: one series for all years"))
    next_value = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "series", "year"], name="number_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year or ''} → {self.next_value}"


# --------------------------------------------------------------------------- sales invoices


class InvoiceStatus(models.TextChoices):
    # The stored value "sent" means finalized (numbered, frozen) and not yet paid or credited;
    # whether it was emailed is a fact of its own (EmailLog), so the label says "Finalized".
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Finalized")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Credited")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class SalesInvoiceQuerySet(OrganizationQuerySet):
    def finalized(self):
        return self.exclude(status=InvoiceStatus.DRAFT)

    def open(self):
        return self.filter(status=InvoiceStatus.SENT)

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.open().filter(kind=InvoiceKind.INVOICE, due_date__lt=today)

    def partly_paid(self):
        return self.open().filter(amount_paid__gt=0)

    def partly_credited(self):
        return self.filter(kind=InvoiceKind.INVOICE, amount_credited__gt=0).exclude(
            status=InvoiceStatus.CREDITED)

    def not_emailed(self):
        return self.finalized().exclude(
            Exists(EmailLog.objects.filter(invoice=OuterRef("pk"), status=EmailLog.Status.SENT)))

    def with_email_facts(self):
        """Annotate the latest successful email (``emailed_at``, ``emailed_to``) and whether
        one is still on its way (``email_queued``): one query for a page of invoices."""
        sent = EmailLog.objects.filter(invoice=OuterRef("pk"), status=EmailLog.Status.SENT)
        latest = sent.order_by("-sent_at", "-id")
        return self.annotate(
            emailed_at=Subquery(latest.values("sent_at")[:1]),
            emailed_to=Subquery(latest.values("to")[:1]),
            email_queued=Exists(EmailLog.objects.filter(
                invoice=OuterRef("pk"), status=EmailLog.Status.QUEUED)),
        )

    def with_display_status(self, status: str, today: datetime.date | None = None):
        """Filter on a status as the user sees it (overdue, partly paid, partly credited and
        not emailed are derived; "sent" and "finalized": every finalized document)."""
        if status == "overdue":
            return self.overdue(today)
        derived = {"partly_paid": self.partly_paid, "open": self.open,
                   "partly_credited": self.partly_credited, "not_emailed": self.not_emailed,
                   "finalized": self.finalized, "sent": self.finalized}
        if status in derived:
            return derived[status]()
        if status in InvoiceStatus.values:
            return self.filter(status=status)
        return self


# Fields a finalized invoice may still change: its payment state and its stored PDF.
MUTABLE_AFTER_FINALIZE = frozenset({"status", "amount_paid", "amount_credited", "updated_at"})


class SalesInvoice(OrganizationOwnedModel):
    kind = models.CharField(
        _("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credits invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    number = models.CharField(_("number"), max_length=50, blank=True, editable=False)
    number_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    number_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    issue_date = models.DateField(_("invoice date"), default=timezone.localdate)
    delivery_date = models.DateField(
        _("delivery date"), null=True, blank=True,
        help_text=_("Date of supply, when it differs from the invoice date."),
    )
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"), default=14, validators=[MaxValueValidator(365)]
    )
    due_date = models.DateField(_("due date"))
    language = models.CharField(
        _("document language"), max_length=5, choices=LANGUAGE_CHOICES, default="nl"
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    exchange_rate = models.DecimalField(
        _("exchange rate (EUR per unit)"), max_digits=14, decimal_places=6, default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    # Where the rate came from: the ECB's reference rate of that date, or the user's own.
    exchange_rate_date = models.DateField(_("exchange rate date"), null=True, blank=True)
    exchange_rate_source = models.CharField(
        _("exchange rate source"), max_length=10, blank=True,
        choices=[("ecb", _("ECB")), ("manual", _("manual"))],
    )
    reference = models.CharField(_("your reference"), max_length=100, blank=True)
    note = models.TextField(_("note on the invoice"), max_length=MAX_DESCRIPTION, blank=True)

    net_total = money_field(_("total excl. VAT"))
    vat_total = money_field(_("VAT"))
    gross_total = money_field(_("total incl. VAT"))
    net_total_eur = money_field(_("total excl. VAT in EUR"))
    vat_total_eur = money_field(_("VAT in EUR"))
    gross_total_eur = money_field(_("total incl. VAT in EUR"))
    amount_paid = money_field(_("paid"))
    amount_credited = money_field(_("credited"))

    # The frozen snapshot (filled at finalize; the PDF renders only from these).
    seller = models.JSONField(_("seller"), default=dict, blank=True, editable=False)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True, editable=False)
    legal_texts = models.JSONField(_("legal texts"), default=list, blank=True, editable=False)
    payment_reference = models.CharField(_("payment reference"), max_length=50, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="invoices/%Y/", blank=True, editable=False)
    finalized_at = models.DateTimeField(_("finalized"), null=True, blank=True, editable=False)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SalesInvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales invoice")
        verbose_name_plural = _("sales invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"],
                condition=~Q(number=""),
                name="sales_invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(number=""), name="sales_invoice_sent_has_number"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-issue_date", "-id"]),
            models.Index(fields=["organization", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft"))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        return getattr(self, "_stored_status", InvoiceStatus.DRAFT) == InvoiceStatus.DRAFT

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self.is_draft and (
            update_fields is None or not set(update_fields) <= MUTABLE_AFTER_FINALIZE
        ):
            raise ImmutableError("A finalized invoice cannot be changed; issue a credit note.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise ImmutableError("A finalized invoice cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def is_foreign_currency(self) -> bool:
        return self.currency != "EUR"

    @property
    def amount_open(self) -> Decimal:
        return self.gross_total - self.amount_paid

    def display_status(self, today: datetime.date | None = None) -> str:
        """The payment state as the user sees it: draft, open, partly_paid, overdue, paid or
        credited (a credit note, which is never paid, shows "finalized")."""
        if self.status != InvoiceStatus.SENT:
            return self.status
        if self.is_credit_note:
            return "finalized"
        today = today or timezone.localdate()
        if self.due_date < today:
            return "overdue"
        if self.amount_paid:
            return "partly_paid"
        return "open"

    def display_status_label(self) -> str:
        return str(DISPLAY_STATUS_LABELS[self.display_status()])

    @property
    def is_partly_credited(self) -> bool:
        return (not self.is_credit_note and self.amount_credited > 0
                and self.status != InvoiceStatus.CREDITED)

    def email_fact(self) -> dict:
        """Whether and when it was emailed, to whom: the latest successful email (from the
        ``with_email_facts`` annotations when present, else one query)."""
        if not hasattr(self, "emailed_at"):
            latest = self.emails.filter(status=EmailLog.Status.SENT).order_by(
                "-sent_at", "-id").first()
            self.emailed_at = latest.sent_at if latest else None
            self.emailed_to = latest.to if latest else ""
            self.email_queued = self.emails.filter(status=EmailLog.Status.QUEUED).exists()
        if self.emailed_at:
            return {"state": "emailed", "at": self.emailed_at, "to": self.emailed_to}
        return {"state": "queued" if self.email_queued else "not_emailed"}


DISPLAY_STATUS_LABELS = {
    "draft": _("Draft"),
    "finalized": _("Finalized"),
    "open": _("Outstanding"),
    "partly_paid": _("Partly paid"),
    "overdue": _("Overdue"),
    "paid": _("Paid"),
    "credited": _("Credited"),
}

# The list's status filter: finalization, payment, credit and email states.
STATUS_FILTER_LABELS = {
    "draft": _("Draft"),
    "finalized": _("Finalized"),
    "open": _("Outstanding"),
    "overdue": _("Overdue"),
    "partly_paid": _("Partly paid"),
    "paid": _("Paid"),
    "partly_credited": _("Partly credited"),
    "credited": _("Credited"),
    "not_emailed": _("Not emailed yet"),
}


class FrozenWithInvoice(models.Model):
    """Rows that are part of a sales invoice's snapshot: writable only while it is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.invoice.is_draft:
            raise ImmutableError("The lines of a finalized invoice cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.invoice.is_draft:
            raise ImmutableError("The lines of a finalized invoice cannot be deleted.")
        return super().delete(*args, **kwargs)


class SalesInvoiceLine(FrozenWithInvoice):
    invoice = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    # PROTECT: a line of a finalized invoice may not even be touched by a cascade (the
    # database refuses); products are archived, not deleted.
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True
    )
    credited_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_lines"
    )
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=VatRate.choices)
    ledger_account = models.CharField(_("ledger account"), max_length=10, blank=True)
    # The accounting package's cost centre (KostenplaatsID); 0 = the connection's default.
    cost_centre = models.BigIntegerField(_("cost centre"), default=0)
    net_amount = money_field(_("amount excl. VAT"))
    vat_amount = money_field(_("VAT"))
    gross_amount = money_field(_("amount incl. VAT"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class SalesInvoiceVatTotal(FrozenWithInvoice):
    """Totals of one VAT rate on an invoice, with the VAT computed on the rate's total."""

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE, related_name="vat_totals")
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=VatRate.choices)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    net_amount = money_field(_("amount excl. VAT"))
    vat_amount = money_field(_("VAT"))
    gross_amount = money_field(_("amount incl. VAT"))
    net_amount_eur = money_field(_("amount excl. VAT in EUR"))
    vat_amount_eur = money_field(_("VAT in EUR"))
    gross_amount_eur = money_field(_("amount incl. VAT in EUR"))

    class Meta:
        verbose_name = _("VAT total")
        verbose_name_plural = _("VAT totals")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "vat_rate"], name="vat_total_rate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_vat_rate_display()}: {self.net_amount} + {self.vat_amount}"

    @property
    def ebh_code(self) -> str:
        return ebh_sales_code(self.vat_rate)


class Payment(OrganizationOwnedModel):
    class Source(models.TextChoices):
        MANUAL = "manual", _("registered here")
        # Read back from the accounting link: e-Boekhouden matched the bank to the invoice.
        EBH = "ebh", _("via e-Boekhouden")

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.MANUAL)
    # When the payment was seen in the accounting (its ``date`` is that day).
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class EmailLog(OrganizationOwnedModel):
    """One email of an invoice: written before the task that sends it (the side effect's row)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.PROTECT, related_name="emails")
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


# --------------------------------------------------------------------------- purchases


class PurchaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    PAID = "paid", _("Paid")
    CORRECTED = "corrected", _("Corrected")
    REVERSAL = "reversal", _("Reversal")


# Fields a registered purchase invoice may still change (its payment or correction state).
PURCHASE_MUTABLE_AFTER_REGISTER = frozenset({"status", "paid_at"})


ATTACHMENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


class PurchaseInvoice(OrganizationOwnedModel):
    """A received invoice, booked (immutable) as soon as it is registered.

    A draft exists only as the replacement of a corrected invoice, until the user registers
    it. A registered invoice is never edited: it is corrected by a reversal (the negated copy,
    ``reversal_of``) and a new registration (``replaces``)."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="invoices"
    )
    supplier_invoice_number = models.CharField(_("supplier's invoice number"), max_length=50)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PurchaseStatus.choices,
        default=PurchaseStatus.RECEIVED,
    )
    net_total = money_field(_("total excl. VAT"))
    vat_total = money_field(_("VAT"))
    gross_total = money_field(_("total incl. VAT"))
    attachment = models.FileField(_("attachment"), upload_to="purchases/%Y/", blank=True,
                                  editable=False)
    attachment_type = models.CharField(max_length=40, blank=True, editable=False)
    attachment_name = models.CharField(max_length=200, blank=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        editable=False,
    )
    paid_at = models.DateField(_("paid on"), null=True, blank=True)
    # One-to-one: the database itself refuses a second reversal or replacement of an invoice.
    reversal_of = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="reversal", editable=False,
    )
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="replacement", editable=False,
    )

    class Meta:
        verbose_name = _("purchase invoice")
        verbose_name_plural = _("purchase invoices")
        ordering = ["-invoice_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "supplier", "supplier_invoice_number"],
                name="purchase_invoice_number_unique",
            )
        ]
        indexes = [models.Index(fields=["organization", "-invoice_date", "-id"])]

    def __str__(self) -> str:
        return f"{self.supplier.name} {self.supplier_invoice_number}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        """As stored: a draft being registered is still a draft until it is saved."""
        return getattr(self, "_stored_status", PurchaseStatus.DRAFT) == PurchaseStatus.DRAFT

    @property
    def can_be_corrected(self) -> bool:
        return self.status in (PurchaseStatus.RECEIVED, PurchaseStatus.PAID)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self.is_draft and (
            update_fields is None or not set(update_fields) <= PURCHASE_MUTABLE_AFTER_REGISTER
        ):
            raise ImmutableError("A booked purchase invoice cannot be changed.")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise ImmutableError("A booked purchase invoice cannot be deleted.")
        return super().delete(*args, **kwargs)


class PurchaseInvoiceLine(models.Model):
    invoice = models.ForeignKey(PurchaseInvoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=PurchaseVatRate.choices)
    ledger_account = models.CharField(_("ledger account"), max_length=10, blank=True)
    # The accounting package's cost centre (KostenplaatsID); 0 = the connection's default.
    cost_centre = models.BigIntegerField(_("cost centre"), default=0)
    net_amount = money_field(_("amount excl. VAT"))
    vat_amount = money_field(_("VAT"))

    class Meta:
        verbose_name = _("purchase invoice line")
        verbose_name_plural = _("purchase invoice lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.description} {self.net_amount}"

    def save(self, *args, **kwargs):
        if self.pk and not self.invoice.is_draft:
            raise ImmutableError("The lines of a booked purchase invoice cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.invoice.is_draft:
            raise ImmutableError("The lines of a booked purchase invoice cannot be deleted.")
        return super().delete(*args, **kwargs)


class PurchaseInvoiceVatTotal(models.Model):
    invoice = models.ForeignKey(
        PurchaseInvoice, on_delete=models.CASCADE, related_name="vat_totals"
    )
    vat_rate = models.CharField(_("VAT rate"), max_length=12, choices=PurchaseVatRate.choices)
    percentage = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2)
    net_amount = money_field(_("amount excl. VAT"))
    vat_amount = money_field(_("VAT"))
    gross_amount = money_field(_("amount incl. VAT"))

    class Meta:
        verbose_name = _("purchase VAT total")
        verbose_name_plural = _("purchase VAT totals")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "vat_rate"], name="purchase_vat_total_rate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vat_rate}: {self.net_amount} + {self.vat_amount}"

    @property
    def ebh_code(self) -> str:
        return ebh_purchase_code(self.vat_rate)


def validate_business_date(value: datetime.date) -> None:
    """Dates the bookkeeping accepts (e-Boekhouden: 1980-2049); catches typos like 1900."""
    if not datetime.date(2000, 1, 1) <= value <= datetime.date(2049, 12, 31):
        raise ValidationError(_("Enter a date between 2000 and 2049."))


@receiver(pre_delete, sender=SalesInvoice)
def _guard_invoice_delete(sender, instance: SalesInvoice, **kwargs) -> None:
    # Also fires for queryset.delete(), which bypasses Model.delete().
    if instance.status != InvoiceStatus.DRAFT:
        raise ImmutableError("A finalized invoice cannot be deleted.")


@receiver(pre_delete, sender=PurchaseInvoice)
def _guard_purchase_delete(sender, instance: PurchaseInvoice, **kwargs) -> None:
    # Also fires for queryset.delete(); only a draft (a replacement not yet registered) goes.
    if instance.status != PurchaseStatus.DRAFT:
        raise ImmutableError("A booked purchase invoice cannot be deleted.")
