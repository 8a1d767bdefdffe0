"""Workflows of recurring invoices: saving a template, and generating its invoices.

Exactly once per period: ``generate_next`` locks the template's row (SELECT ... FOR UPDATE),
reads its cursor, writes the invoice's draft, the Generation row (unique per template and
period) and the advanced cursor in ONE transaction. A second run at the same time waits for
the lock and then finds the period done; a run after a crash or downtime finds the cursor
where the last commit left it and makes each missed period, dated as it should have been."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from invoicing import services as invoicing
from invoicing.models import SalesInvoice
from invoicing.services import InvoicingError, LineData
from recurring.models import Generation, Mode, RecurringLine, RecurringTemplate
from recurring.periods import fill, placeholder_problems

logger = logging.getLogger(__name__)

BATCH = 500  # template ids per query of a generation run


class RecurringError(InvoicingError):
    """A workflow refused; ``messages`` are for the user (already translated)."""


# --------------------------------------------------------------------------- templates


def _check_texts(template: RecurringTemplate, lines: list[LineData]) -> None:
    texts = [template.reference, template.note, *(line.description for line in lines)]
    problems = [problem for text in texts for problem in placeholder_problems(text)]
    if problems:
        raise RecurringError(*dict.fromkeys(problems))


def _write_lines(template: RecurringTemplate, lines: list[LineData]) -> None:
    template.lines.all().delete()
    RecurringLine.objects.bulk_create([
        RecurringLine(template=template, position=position, product_id=line.product_id,
                      description=line.description, quantity=line.quantity, unit=line.unit,
                      unit_price=line.unit_price, discount_percent=line.discount_percent,
                      vat_rate=line.vat_rate, ledger_account=line.ledger_account,
                      cost_centre=line.cost_centre)
        for position, line in enumerate(lines, start=1)
    ])


def _keep_cursor(template: RecurringTemplate) -> None:
    """Take the cursor from the locked row, not from the form's copy: a run that invoiced a
    period meanwhile is never undone by saving an older copy."""
    stored = RecurringTemplate.objects.select_for_update().get(pk=template.pk)
    template.next_period = stored.next_period
    base_changed = (stored.start_date, stored.frequency) != (template.start_date,
                                                             template.frequency)
    if stored.next_period and base_changed:
        raise RecurringError(_("The first invoice date and the frequency are fixed once an "
                               "invoice has been made; make a new recurring invoice instead."))


def _validate(template: RecurringTemplate) -> None:
    try:
        template.full_clean(exclude=["customer"])
    except ValidationError as error:
        raise RecurringError(*error.messages) from None


@transaction.atomic
def template_save(*, template: RecurringTemplate, organization: Organization,
                  lines: list[LineData]) -> RecurringTemplate:
    """Create or update a template; its cursor points at the first period not invoiced."""
    if template.pk is None:
        template.organization = organization
    else:
        _keep_cursor(template)
    if template.customer.organization_id != organization.pk:
        raise RecurringError(_("Choose one of your own customers."))
    if not lines:
        raise RecurringError(_("Add at least one line."))
    _check_texts(template, lines)
    if template.end_date and template.count:
        raise RecurringError(_("Choose an end date or a number of invoices, not both."))
    template.next_date = template.scheduled_date(template.next_period)
    _validate(template)
    template.save()
    _write_lines(template, lines)
    return template


@transaction.atomic
def template_set_active(*, template: RecurringTemplate, active: bool,
                        today: datetime.date | None = None) -> RecurringTemplate:
    """Pause or resume. Resuming skips the periods that fell in the pause (before today):
    a pause means "do not invoice this time", not "invoice it all later"."""
    template = RecurringTemplate.objects.select_for_update().get(pk=template.pk)
    template.active = active
    today = today or timezone.localdate()
    while active and template.next_date is not None and template.next_date < today:
        template.advance()
    template.save(update_fields=["active", "next_period", "next_date", "updated_at"])
    return template


@transaction.atomic
def template_delete(*, template: RecurringTemplate) -> None:
    """The generated invoices stay; their history keeps the template's name."""
    RecurringTemplate.objects.select_for_update().filter(pk=template.pk).first()
    template.delete()


# --------------------------------------------------------------------------- generation


def line_data(line: RecurringLine, date: datetime.date, language: str) -> LineData:
    return LineData(
        description=fill(line.description, date, language), quantity=line.quantity,
        unit=line.unit, unit_price=line.unit_price, discount_percent=line.discount_percent,
        vat_rate=line.vat_rate, product_id=line.product_id, ledger_account=line.ledger_account,
        cost_centre=line.cost_centre,
    )


def _make_draft(template: RecurringTemplate, date: datetime.date) -> SalesInvoice:
    language = template.language
    invoice = SalesInvoice(
        customer=template.customer, issue_date=date, payment_term_days=template.payment_term_days,
        language=language, reference=fill(template.reference, date, language)[:100],
        note=fill(template.note, date, language),
    )
    lines = [line_data(line, date, language) for line in template.lines.all()]
    return invoicing.invoice_save_draft(invoice=invoice, organization=template.organization,
                                        lines=lines)


def _finalize_and_email(generation: Generation) -> None:
    """Finalize and email (which books it, like any invoice). What keeps it from being
    finalized (a missing email address, business details) leaves it a draft with the reason."""
    try:
        invoicing.invoice_finalize(invoice=generation.invoice, send_email=True, user=None)
    except InvoicingError as error:
        generation.problem = " ".join(error.messages)
        generation.save(update_fields=["problem"])


def _locked_template(template_id: int) -> RecurringTemplate | None:
    return (RecurringTemplate.objects.select_for_update(of=("self",))
            .select_related("organization", "customer").filter(pk=template_id).first())


@transaction.atomic
def generate_next(*, template_id: int, today: datetime.date) -> Generation | None:
    """Invoice the template's next period if it is due; None when nothing is due."""
    template = _locked_template(template_id)
    if template is None or not template.is_due(today):
        return None
    period, date = template.next_period, template.next_date
    template.advance()
    template.last_error = ""
    template.save(update_fields=["next_period", "next_date", "last_error", "updated_at"])
    # The unique (template, period) constraint refuses a period invoiced before (a cursor
    # moved back by hand): the whole transaction, draft included, rolls back.
    generation = Generation.objects.create(
        organization=template.organization, template=template, template_name=template.name,
        period=period, period_date=date, frequency=template.frequency,
        invoice=_make_draft(template, date),
    )
    if template.mode == Mode.SEND:
        _finalize_and_email(generation)
    return generation


def _note_failure(template_id: int, error: Exception) -> None:
    text = " ".join(getattr(error, "messages", None) or [str(error)])
    RecurringTemplate.objects.filter(pk=template_id).update(last_error=text[:2000])


def generate_for_template(*, template_id: int, today: datetime.date | None = None) -> int:
    """Every due period of one template, each in a transaction of its own (a catch-up after
    downtime makes them all, oldest first). Returns how many invoices were made."""
    today, made = today or timezone.localdate(), 0
    try:
        while (generation := generate_next(template_id=template_id, today=today)) is not None:
            made += 1
            if not generation.template.is_due(today):
                break  # the cursor is past today: no need to lock the row again
    except Exception as error:  # noqa: BLE001 - see below
        # One template that cannot be invoiced (a VAT rate gone, a PDF that fails to render)
        # never stops the others: its period rolled back whole, its page says why, and the
        # next run tries it again. (With the database itself gone, the note fails too.)
        logger.exception("Recurring template %s not generated", template_id)
        _note_failure(template_id, error)
    return made


def due_template_ids(*, today: datetime.date, after_id: int = 0, limit: int = BATCH,
                     organization: Organization | None = None) -> list[int]:
    due = RecurringTemplate.objects.filter(active=True, next_date__lte=today, pk__gt=after_id)
    if organization is not None:
        due = due.filter(organization=organization)
    return list(due.order_by("pk").values_list("pk", flat=True)[:limit])


def generate_due(*, today: datetime.date | None = None, batch: int = BATCH,
                 organization: Organization | None = None) -> int:
    """The beat run: every due template, in batches of ids; returns the invoices made."""
    today, made, after = today or timezone.localdate(), 0, 0
    while ids := due_template_ids(today=today, after_id=after, limit=batch,
                                  organization=organization):
        for template_id in ids:
            made += generate_for_template(template_id=template_id, today=today)
        after = ids[-1]
    return made
