"""Payment reminders: an organization's schedule of steps, what was sent (one row per
reminder, written before the email task), and the per-invoice pause and dispute notes (a
finalized invoice is frozen, so its reminder state lives here)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import OrganizationOwnedModel
from invoicing.models import SalesInvoice

MAX_SUBJECT = 200
MAX_BODY = 5000


class ReminderSchedule(OrganizationOwnedModel):
    """One per organization, made with the default steps on first use."""

    active = models.BooleanField(
        _("send reminders automatically"), default=True,
        help_text=_("Every morning, overdue invoices get the step that is due."),
    )
    collection_costs = models.BooleanField(
        _("add the statutory collection costs text to the last step"), default=False,
        help_text=_("Only in letters to consumers (private persons)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [models.UniqueConstraint(fields=["organization"],
                                               name="reminder_schedule_one_per_org")]

    def __str__(self) -> str:
        return str(self.organization)


class ReminderStep(OrganizationOwnedModel):
    schedule = models.ForeignKey(ReminderSchedule, on_delete=models.CASCADE,
                                 related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"))
    days_after_due = models.PositiveSmallIntegerField(
        _("days after the due date"), validators=[MinValueValidator(1), MaxValueValidator(365)])
    enabled = models.BooleanField(_("send this step"), default=True)
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=MAX_SUBJECT)
    body_nl = models.TextField(_("text (Dutch)"), max_length=MAX_BODY)
    subject_en = models.CharField(_("subject (English)"), max_length=MAX_SUBJECT)
    body_en = models.TextField(_("text (English)"), max_length=MAX_BODY)

    class Meta:
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["schedule", "position"],
                                               name="reminder_step_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}: +{self.days_after_due}"

    def texts(self, language: str) -> tuple[str, str]:
        """Subject and text in the letter's language (English for any other)."""
        if language == "nl":
            return self.subject_nl, self.body_nl
        return self.subject_en, self.body_en


class SentReminder(OrganizationOwnedModel):
    """One reminder email: the row exists before its task, and the database refuses a second
    automatic reminder of the same step for an invoice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.PROTECT,
                                related_name="reminders")
    position = models.PositiveSmallIntegerField(_("step"))
    manual = models.BooleanField(_("sent by hand"), default=False)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT)
    body = models.TextField(_("message"))
    amount_open = models.DecimalField(_("open amount"), max_digits=14, decimal_places=2,
                                      default=Decimal("0.00"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["invoice", "position"], condition=Q(manual=False),
            name="reminder_once_per_invoice_step")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.position} → {self.to}"


class InvoiceReminderState(OrganizationOwnedModel):
    """Reminders paused for one invoice (the invoice itself is frozen)."""

    invoice = models.OneToOneField(SalesInvoice, on_delete=models.CASCADE,
                                   related_name="reminder_state")
    paused = models.BooleanField(_("reminders paused"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("invoice reminder state")
        verbose_name_plural = _("invoice reminder states")

    def __str__(self) -> str:
        return f"{self.invoice}: {'paused' if self.paused else 'active'}"


class DisputeNote(OrganizationOwnedModel):
    """The customer disputes the invoice (betwist): while open, no reminder goes out."""

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE,
                                related_name="dispute_notes")
    text = models.TextField(_("dispute note"), max_length=2000)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispute note")
        verbose_name_plural = _("dispute notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
