"""What is due, what stands in the way, and the invoice page's facts (no writes here)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef
from django.utils.translation import gettext as _

from invoicing.extensions import HistoryEntry
from invoicing.models import InvoiceKind, InvoiceStatus, SalesInvoice
from reminders import letters
from reminders.models import (
    DisputeNote,
    InvoiceReminderState,
    ReminderSchedule,
    ReminderStep,
    SentReminder,
)


def step_date(invoice: SalesInvoice, step: ReminderStep) -> datetime.date:
    return invoice.due_date + datetime.timedelta(days=step.days_after_due)


def latest_due_step(steps: list[ReminderStep], invoice: SalesInvoice,
                    today: datetime.date) -> ReminderStep | None:
    """The last switched-on step whose day has come (steps are in order of their days)."""
    due = [s for s in steps if s.enabled and step_date(invoice, s) <= today]
    return due[-1] if due else None


def highest_sent(invoice: SalesInvoice) -> int:
    return invoice.reminders.aggregate(top=Max("position"))["top"] or 0


def next_step(steps: list[ReminderStep], after: int) -> ReminderStep | None:
    return next((s for s in steps if s.enabled and s.position > after), None)


def manual_step(steps: list[ReminderStep], invoice: SalesInvoice,
                today: datetime.date) -> ReminderStep | None:
    """By hand: the step that is due if not sent yet, else the next one, else the last again."""
    sent = highest_sent(invoice)
    due = latest_due_step(steps, invoice, today)
    if due and due.position > sent:
        return due
    enabled = [s for s in steps if s.enabled] or steps
    return next_step(steps, sent) or (enabled[-1] if enabled else None)


def recipient(invoice: SalesInvoice) -> str:
    return invoice.customer.email or invoice.buyer.get("email") or ""


def open_dispute(invoice: SalesInvoice) -> bool:
    return invoice.dispute_notes.filter(resolved_at__isnull=True).exists()


def is_paused(invoice: SalesInvoice) -> bool:
    return InvoiceReminderState.objects.filter(invoice=invoice, paused=True).exists()


def invoice_reason(invoice: SalesInvoice) -> str:
    """Why this invoice's kind or state is never reminded ("" when it can be)."""
    if invoice.status == InvoiceStatus.DRAFT:
        return _("A draft is not reminded.")
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return _("A credit note is not reminded.")
    if invoice.status == InvoiceStatus.PAID:
        return _("This invoice is paid: no reminders.")
    if invoice.status == InvoiceStatus.CREDITED:
        return _("This invoice is credited: no reminders.")
    return ""


def blocking_reason(invoice: SalesInvoice) -> str:
    """Why no reminder may go out for this invoice now ("" when one may). A list annotates
    ``has_open_dispute`` and ``has_pause`` (see ``_with_flags``) to save the two queries."""
    reason = invoice_reason(invoice)
    if reason:
        return reason
    disputed = getattr(invoice, "has_open_dispute", None)
    if open_dispute(invoice) if disputed is None else disputed:
        return _("A dispute is open: no reminders until it is resolved.")
    paused = getattr(invoice, "has_pause", None)
    if is_paused(invoice) if paused is None else paused:
        return _("Reminders are paused for this invoice.")
    if not invoice.customer.send_reminders:
        return _("Reminders are switched off for this customer.")
    if not recipient(invoice):
        return _("The customer has no email address, so no reminder can be sent.")
    return ""


def run_candidates(today: datetime.date):
    """Overdue open invoices the daily run may remind (checked again, locked, per invoice)."""
    disputed = DisputeNote.objects.filter(invoice=OuterRef("pk"), resolved_at__isnull=True)
    inactive = ReminderSchedule.objects.filter(organization=OuterRef("organization"),
                                               active=False)
    return (SalesInvoice.objects.overdue(today)
            .exclude(customer__send_reminders=False)
            .exclude(reminder_state__paused=True)
            .exclude(Exists(disputed)).exclude(Exists(inactive))
            .order_by("organization_id", "due_date", "id"))


@dataclass
class DueRow:
    invoice: SalesInvoice
    step: ReminderStep
    to: str
    reason: str = ""

    @property
    def amount_open(self):
        return letters.open_amount(self.invoice)


def due_overview(organization, steps: list[ReminderStep],
                 today: datetime.date) -> list[DueRow]:
    """What the next daily run would send for this organization (and what it cannot)."""
    invoices = (SalesInvoice.objects.for_organization(organization).overdue(today)
                .select_related("customer").annotate(
                    sent=Max("reminders__position"),
                    has_open_dispute=Exists(DisputeNote.objects.filter(
                        invoice=OuterRef("pk"), resolved_at__isnull=True)),
                    has_pause=Exists(InvoiceReminderState.objects.filter(
                        invoice=OuterRef("pk"), paused=True)))
                .order_by("due_date", "id"))
    rows = []
    for invoice in invoices:
        step = latest_due_step(steps, invoice, today)
        if step and step.position > (invoice.sent or 0):
            rows.append(DueRow(invoice, step, recipient(invoice), blocking_reason(invoice)))
    return rows


@dataclass
class Block:
    """The reminder facts of one invoice page."""

    reminders: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    paused: bool = False
    reason: str = ""
    next_step: ReminderStep | None = None
    next_date: datetime.date | None = None
    to: str = ""


def invoice_block(invoice: SalesInvoice, steps: list[ReminderStep],
                  schedule_active: bool) -> Block:
    upcoming = next_step(steps, highest_sent(invoice))
    return Block(
        reminders=list(invoice.reminders.all()),
        disputes=list(invoice.dispute_notes.all()),
        paused=is_paused(invoice),
        reason=blocking_reason(invoice),
        next_step=upcoming if schedule_active else None,
        next_date=step_date(invoice, upcoming) if upcoming and schedule_active else None,
        to=recipient(invoice),
    )


def _reminder_entry(reminder: SentReminder) -> HistoryEntry:
    facts = {"step": reminder.position, "to": reminder.to}
    if reminder.status == SentReminder.Status.SENT:
        return HistoryEntry(reminder.sent_at, _("Payment reminder %(step)s sent to %(to)s")
                            % facts)
    if reminder.status == SentReminder.Status.FAILED:
        return HistoryEntry(reminder.created_at, _(
            "Payment reminder %(step)s to %(to)s could not be sent") % facts)
    return HistoryEntry(reminder.created_at, _("Payment reminder %(step)s to %(to)s queued")
                        % facts)


def _dispute_entries(note: DisputeNote) -> list[HistoryEntry]:
    entries = [HistoryEntry(note.created_at, _("Dispute noted: %(text)s") % {"text": note.text})]
    if note.resolved_at:
        entries.append(HistoryEntry(note.resolved_at, _("Dispute resolved")))
    return entries


def reminder_history(invoice: SalesInvoice) -> list[HistoryEntry]:
    """The history hook: reminders (with date and recipient) and dispute notes."""
    if invoice.pk is None or invoice.is_draft:
        return []
    entries = [_reminder_entry(r) for r in invoice.reminders.all()]
    for note in invoice.dispute_notes.all():
        entries += _dispute_entries(note)
    return entries
