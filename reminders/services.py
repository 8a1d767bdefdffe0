"""Reminder workflows: the schedule (made on first use), composing a letter, the daily run
(once per invoice and step: the row before the task, a unique constraint behind it), the
manual send, pausing an invoice and dispute notes."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.sending import sending_refusal
from invoicing.models import PartyKind, SalesInvoice
from invoicing.snapshots import seller_snapshot
from reminders import letters, selectors
from reminders.emails import send_reminder_email
from reminders.models import (
    DisputeNote,
    InvoiceReminderState,
    ReminderSchedule,
    ReminderStep,
    SentReminder,
)

logger = logging.getLogger(__name__)


class ReminderError(Exception):
    pass


# --------------------------------------------------------------------------- the schedule


def schedule_get(*, organization: Organization) -> ReminderSchedule:
    """The organization's schedule; the default steps are made on first use."""
    schedule = ReminderSchedule.objects.filter(organization=organization).first()
    if schedule:
        return schedule
    try:
        with transaction.atomic():
            return _default_schedule(organization)
    except IntegrityError:  # made at the same moment by another request or the daily run
        return ReminderSchedule.objects.get(organization=organization)


def _default_schedule(organization: Organization) -> ReminderSchedule:
    schedule = ReminderSchedule.objects.create(organization=organization)
    ReminderStep.objects.bulk_create([
        ReminderStep(organization=organization, schedule=schedule, position=number,
                     days_after_due=default.days,
                     subject_nl=default.texts["nl"][0], body_nl=default.texts["nl"][1],
                     subject_en=default.texts["en"][0], body_en=default.texts["en"][1])
        for number, default in enumerate(letters.DEFAULT_STEPS, start=1)])
    return schedule


def steps_of(schedule: ReminderSchedule) -> list[ReminderStep]:
    return list(schedule.steps.order_by("position"))


@dataclass
class StepData:
    position: int
    days_after_due: int
    enabled: bool
    subject_nl: str
    body_nl: str
    subject_en: str
    body_en: str


def _check_steps(steps: list[StepData]) -> None:
    days = [s.days_after_due for s in sorted(steps, key=lambda s: s.position)]
    if any(later <= earlier for earlier, later in zip(days, days[1:], strict=False)):
        raise ReminderError(_("Each step must come more days after the due date than the "
                              "step before it."))
    for step in steps:
        for text in (step.subject_nl, step.body_nl, step.subject_en, step.body_en):
            letters.check(text)


@transaction.atomic
def schedule_save(*, schedule: ReminderSchedule, active: bool, collection_costs: bool,
                  steps: list[StepData]) -> ReminderSchedule:
    try:
        _check_steps(steps)
    except letters.PlaceholderError as error:
        raise ReminderError(str(error)) from error
    schedule = ReminderSchedule.objects.select_for_update().get(pk=schedule.pk)
    schedule.active, schedule.collection_costs = active, collection_costs
    schedule.save(update_fields=["active", "collection_costs", "updated_at"])
    for data in steps:
        schedule.steps.filter(position=data.position).update(**vars(data))
    return schedule


# --------------------------------------------------------------------------- the letter


@dataclass(frozen=True)
class Letter:
    step: ReminderStep
    to: str
    subject: str
    body: str
    amount_open: object


def adds_collection_costs(schedule: ReminderSchedule, steps: list[ReminderStep],
                          step: ReminderStep, invoice: SalesInvoice) -> bool:
    """The veertiendagenbrief: only the last step, and only towards a consumer."""
    kind = invoice.buyer.get("kind") or invoice.customer.kind
    return (schedule.collection_costs and step.position == steps[-1].position
            and kind == PartyKind.PRIVATE)


def _with_collection_costs(body: str, paragraph: str) -> str:
    if "{collection_costs}" in body or not paragraph:
        return body
    head, _sep, signature = body.rpartition("\n\n")
    return f"{head}\n\n{{collection_costs}}\n\n{signature}" if head else f"{body}\n\n{paragraph}"


def letter_texts(*, invoice: SalesInvoice, schedule: ReminderSchedule,
                 steps: list[ReminderStep], step: ReminderStep,
                 today: datetime.date) -> tuple[str, str]:
    """Subject and text of ``step`` for ``invoice``, in the invoice's language."""
    language = letters.letter_language(invoice)
    values = letters.values(invoice, today)
    paragraph = ""
    if adds_collection_costs(schedule, steps, step, invoice):
        paragraph = letters.collection_costs_text(language, values)
    values["collection_costs"] = paragraph
    subject, body = step.texts(language)
    body = _with_collection_costs(body, paragraph)
    return " ".join(letters.fill(subject, values).split())[:200], letters.fill(body, values)


def compose(*, invoice: SalesInvoice, schedule: ReminderSchedule, steps: list[ReminderStep],
            step: ReminderStep, today: datetime.date) -> Letter:
    subject, body = letter_texts(invoice=invoice, schedule=schedule, steps=steps, step=step,
                                 today=today)
    return Letter(step=step, to=selectors.recipient(invoice), subject=subject, body=body,
                  amount_open=letters.open_amount(invoice))


def example_invoice(organization: Organization, language: str,
                    today: datetime.date) -> SalesInvoice:
    """An unsaved invoice to a consumer with a partial payment, for the settings' preview."""
    return SalesInvoice(
        organization=organization, number=f"{today.year}-0042", language=language,
        issue_date=today - datetime.timedelta(days=44), due_date=today - datetime.timedelta(
            days=30), gross_total=Decimal("1210.00"), amount_paid=Decimal("210.00"),
        currency="EUR", payment_reference=f"{today.year}-0042",
        seller=seller_snapshot(organization),
        buyer={"name": "Sam de Vries", "kind": PartyKind.PRIVATE})


def previews(*, schedule: ReminderSchedule, steps: list[ReminderStep],
             today: datetime.date | None = None) -> dict[int, dict[str, tuple[str, str]]]:
    """Per step position: the example letter in Dutch and in English."""
    today = today or timezone.localdate()
    examples = {lang: example_invoice(schedule.organization, lang, today) for lang in ("nl", "en")}
    return {step.position: {lang: letter_texts(invoice=invoice, schedule=schedule, steps=steps,
                                               step=step, today=today)
                            for lang, invoice in examples.items()}
            for step in steps}


def _queue(invoice: SalesInvoice, letter: Letter, *, manual: bool, user=None) -> SentReminder:
    reminder = SentReminder.objects.create(
        organization_id=invoice.organization_id, invoice=invoice,
        position=letter.step.position, manual=manual, to=letter.to, subject=letter.subject,
        body=letter.body, amount_open=letter.amount_open, created_by=user)
    send_reminder_email.delay_on_commit(reminder.pk)
    return reminder


def _locked(invoice_id: int) -> SalesInvoice:
    return (SalesInvoice.objects.select_for_update(of=("self",))
            .select_related("organization", "customer").get(pk=invoice_id))


# --------------------------------------------------------------------------- sending


@transaction.atomic
def reminder_send_due(*, invoice_id: int, today: datetime.date) -> SentReminder | None:
    """The daily run for one invoice: the latest due step, if no reminder of that step or a
    later one went out yet. Locked on the invoice: a manual send waits for it."""
    invoice = _locked(invoice_id)
    schedule = schedule_get(organization=invoice.organization)
    steps = steps_of(schedule)
    step = selectors.latest_due_step(steps, invoice, today)
    if (not schedule.active or step is None or selectors.blocking_reason(invoice)
            or selectors.highest_sent(invoice) >= step.position):
        return None
    if sending_refusal(organization=invoice.organization):
        return None  # held until an owner confirms their address; the next run sends it
    letter = compose(invoice=invoice, schedule=schedule, steps=steps, step=step, today=today)
    return _queue(invoice, letter, manual=False)


def send_due_reminders(*, today: datetime.date | None = None) -> int:
    """Every organization's due reminders; each invoice in its own transaction."""
    today = today or timezone.localdate()
    queued = 0
    for invoice_id in selectors.run_candidates(today).values_list("pk", flat=True):
        try:
            queued += reminder_send_due(invoice_id=invoice_id, today=today) is not None
        except Exception:  # one broken invoice must not stop the others' reminders
            logger.exception("reminder for invoice %s failed", invoice_id)
    return queued


def manual_letter(*, invoice: SalesInvoice, today: datetime.date | None = None) -> Letter:
    """What "Send reminder" would send now (for the confirmation page and the send itself)."""
    today = today or timezone.localdate()
    reason = selectors.blocking_reason(invoice)
    if reason:
        raise ReminderError(reason)
    schedule = schedule_get(organization=invoice.organization)
    steps = steps_of(schedule)
    step = selectors.manual_step(steps, invoice, today)
    if step is None:
        raise ReminderError(_("The reminder schedule has no steps."))
    return compose(invoice=invoice, schedule=schedule, steps=steps, step=step, today=today)


@transaction.atomic
def reminder_send_manual(*, invoice: SalesInvoice, user, position: int) -> SentReminder:
    """Send the reminder the confirmation showed (``position``); refused when the facts
    changed in between (another reminder went out, the invoice got paid)."""
    refusal = sending_refusal(organization=invoice.organization, user=user)
    if refusal:
        raise ReminderError(refusal)
    invoice = _locked(invoice.pk)
    letter = manual_letter(invoice=invoice)
    if letter.step.position != position:
        raise ReminderError(_("Something changed in the meantime; check the reminder again."))
    return _queue(invoice, letter, manual=True, user=user)


# --------------------------------------------------------------------------- per invoice


def _remindable(invoice: SalesInvoice) -> None:
    reason = selectors.invoice_reason(invoice)
    if reason:
        raise ReminderError(reason)


@transaction.atomic
def reminder_pause(*, invoice: SalesInvoice, paused: bool, user) -> InvoiceReminderState:
    _remindable(invoice)
    state, _created = InvoiceReminderState.objects.select_for_update().get_or_create(
        invoice=invoice, defaults={"organization_id": invoice.organization_id})
    state.paused, state.updated_by = paused, user
    state.save(update_fields=["paused", "updated_by", "updated_at"])
    return state


@transaction.atomic
def dispute_add(*, invoice: SalesInvoice, text: str, user) -> DisputeNote:
    if invoice.is_draft or invoice.is_credit_note:
        raise ReminderError(selectors.invoice_reason(invoice))
    text = text.strip()
    if not text:
        raise ReminderError(_("Write down what the customer disputes."))
    return DisputeNote.objects.create(organization_id=invoice.organization_id,
                                      invoice=invoice, text=text, created_by=user)


@transaction.atomic
def dispute_resolve(*, note: DisputeNote, user) -> DisputeNote:
    note = DisputeNote.objects.select_for_update().get(pk=note.pk)
    if note.resolved_at:
        raise ReminderError(_("This dispute was already resolved."))
    note.resolved_at, note.resolved_by = timezone.now(), user
    note.save(update_fields=["resolved_at", "resolved_by"])
    return note
