"""Payments read back from e-Boekhouden (Betalingen ophalen).

e-Boekhouden matches the bank to the invoices; its open items of the debtors (GetOpenPosten
"Debiteuren") show what is still open of each booked invoice. One run asks once per
connection, under the connection's lease like the bookings, and compares every finalized,
booked, open sales invoice of that connection with it:

* still open for its whole amount: nothing happened;
* open for less: the paid part becomes a payment here ("via e-Boekhouden", dated the day it
  was seen), less what was registered here already (the figure there is the total paid);
* gone from the open items: paid, if its booking is still there (one GetMutaties by its
  mutation number); gone altogether, it is listed for the user;
* more paid than is open here (a negative open amount, or more than the invoice's total):
  listed for the user, never applied.

Credit notes and (partly) credited invoices are skipped: a credit settles an invoice without a
payment, and e-Boekhouden cannot tell us which it was. No database transaction is held open
across a SOAP call."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from connections.clients import client_for
from connections.crypto import CredentialDecryptError
from connections.models import Connection
from connections.services import connection_mark_action_needed
from ebh_sync.engine import RECONCILE_WINDOW, Runner, lease_claim, lease_release
from ebh_sync.models import PaymentDifference, PaymentRun, SyncJob
from eboekhouden.client import (
    BOOKING_DATES,
    AuthenticationError,
    EbhClient,
    EbhError,
    LimitError,
    OpenItem,
    TransientError,
)
from invoicing.models import InvoiceKind, InvoiceStatus, Payment, SalesInvoice
from invoicing.money import round_money
from invoicing.services import InvoicingError, payment_register_paid_total

# GetMutaties look-ups (5,000 a month per administration) one run may spend on invoices that
# left the open items; the rest wait for the next run.
DEFAULT_MAX_LOOKUPS = 25

HINTS = {
    "auth": gettext_lazy("Enter the current security code 1 under Connections, then retry."),
    "transient": gettext_lazy("e-Boekhouden.nl could not be reached. Retry in a few minutes."),
    "other": gettext_lazy("Retry; if it fails again, check the connection settings."),
}


def hint_for(run: PaymentRun) -> str:
    if run.error_code.startswith("E001"):
        return str(HINTS["auth"])
    if run.error_code in (TransientError.UNREACHABLE, TransientError.TIMEOUT,
                          TransientError.DROPPED, TransientError.SERVER_ERROR,
                          TransientError.MALFORMED):
        return str(HINTS["transient"])
    return str(HINTS["other"])


# --- the candidates --------------------------------------------------------------------------


def booked_open_invoices(connection: Connection):
    """The connection's finalized sales invoices booked in its current administration, open
    here, neither credit notes nor credited in part."""
    jobs = SyncJob.objects.filter(connection=connection, kind=SyncJob.Kind.SALES_INVOICE,
                                  state=SyncJob.State.BOOKED)
    if connection.connected_at:
        jobs = jobs.filter(booked_at__gte=connection.connected_at)
    return (
        SalesInvoice.objects.filter(organization_id=connection.organization_id,
                                    kind=InvoiceKind.INVOICE, status=InvoiceStatus.SENT,
                                    amount_credited=0, sync_job__in=jobs)
        .select_related("sync_job").order_by("issue_date", "id")
    )


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    checked: set[int] = field(default_factory=set)  # invoice ids compared in this run
    paid: int = 0
    partly_paid: int = 0
    differences: int = 0
    lookups: int = 0
    notes: list[str] = field(default_factory=list)


def run_payments(run_id: int, *, client: EbhClient | None = None) -> PaymentRun | None:
    """Carry out a queued run. None when it is not queued (taken or finished); the run
    stays queued (``waits`` + 1) while other sync work holds the connection's lease."""
    run = PaymentRun.objects.select_related("connection").filter(
        pk=run_id, state=PaymentRun.State.QUEUED).first()
    if run is None:
        return None
    holder = uuid.uuid4().hex
    if not lease_claim(run.connection_id, holder):
        PaymentRun.objects.filter(pk=run.pk).update(waits=run.waits + 1)
        return run
    try:
        if not _start(run):
            return None
        _run_claimed(run, client)
    finally:
        lease_release(run.connection_id, holder)
    return run


def _start(run: PaymentRun) -> bool:
    return PaymentRun.objects.filter(pk=run.pk, state=PaymentRun.State.QUEUED).update(
        state=PaymentRun.State.RUNNING) == 1


def _run_claimed(run: PaymentRun, client: EbhClient | None) -> None:
    connection = run.connection
    runner = None
    try:
        if not connection.can_sync:
            _fail(run, "CONN", _("The connection with e-Boekhouden.nl is not active."))
            return
        runner = Runner(connection, client or client_for(connection))
        outcome = _compare(run, runner)
    except AuthenticationError as exc:
        connection_mark_action_needed(connection=connection, reason=exc.user_message)
        _fail(run, exc.code, exc.user_message)
    except EbhError as exc:
        _fail(run, exc.code or "ERROR", exc.user_message)
    except CredentialDecryptError:
        _fail(run, "KEY", _("The stored credentials cannot be read. Connect again."))
    else:
        _finish(run, outcome)
    finally:
        if runner is not None:
            runner.close()
            run.calls = dict(runner.result.calls)
        run.finished_at = timezone.now()
        run.save()


def _fail(run: PaymentRun, code: str, message: str) -> None:
    run.state, run.error_code, run.error = PaymentRun.State.FAILED, code[:20], message[:500]


def _finish(run: PaymentRun, outcome: Outcome) -> None:
    run.state = PaymentRun.State.DONE
    run.checked, run.paid, run.partly_paid = (len(outcome.checked), outcome.paid,
                                              outcome.partly_paid)
    run.differences, run.notes = outcome.differences, outcome.notes
    PaymentDifference.objects.filter(
        connection=run.connection, invoice_id__in=outcome.checked, resolved_at__isnull=True,
    ).exclude(run=run).update(resolved_at=timezone.now())


def _compare(run: PaymentRun, runner: Runner) -> Outcome:
    items = runner.call("GetOpenPosten", runner.client.get_open_posten, "Debiteuren")
    run.open_items = len(items)
    by_number = {item.invoice_number.casefold(): item for item in items}
    outcome, missing = Outcome(), []
    for invoice in booked_open_invoices(run.connection):
        item = by_number.get(invoice.number.casefold())
        if item is None:
            missing.append(invoice)
            continue
        outcome.checked.add(invoice.pk)
        _compare_open_item(run, invoice, item, outcome)
    _compare_missing(run, runner, missing, outcome)
    return outcome


# --- per invoice -----------------------------------------------------------------------------


def _paid_total(invoice: SalesInvoice, item: OpenItem) -> Decimal:
    """What e-Boekhouden shows as paid, in the invoice's currency (the booking is in euros)."""
    paid = item.amount - item.open_amount
    if invoice.currency == "EUR" or not item.amount:
        return paid
    return round_money(invoice.gross_total * paid / item.amount)


def _compare_open_item(run: PaymentRun, invoice: SalesInvoice, item: OpenItem,
                       outcome: Outcome) -> None:
    paid = item.amount - item.open_amount
    if item.open_amount < 0 or (invoice.currency == "EUR" and paid > invoice.gross_total):
        _difference(run, invoice, PaymentDifference.Kind.OVERPAID, outcome, item)
        return
    _apply(run, invoice, _paid_total(invoice, item), outcome, item)


def _apply(run: PaymentRun, invoice: SalesInvoice, paid_total: Decimal, outcome: Outcome,
           item: OpenItem | None = None) -> None:
    try:
        payment = payment_register_paid_total(
            invoice=invoice, paid_total=paid_total, seen_at=timezone.now(),
            source=Payment.Source.EBH)
    except InvoicingError:  # more than is open here, or no longer open at all
        if SalesInvoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.SENT).exists():
            _difference(run, invoice, PaymentDifference.Kind.OVERPAID, outcome, item)
        return
    if payment is None:
        return
    invoice.refresh_from_db(fields=["status", "amount_paid"])
    if invoice.status == InvoiceStatus.PAID:
        outcome.paid += 1
    else:
        outcome.partly_paid += 1


def _compare_missing(run: PaymentRun, runner: Runner, missing: list[SalesInvoice],
                     outcome: Outcome) -> None:
    """Gone from the open items: paid if its booking is still there, else listed."""
    budget = getattr(settings, "EBH_PAYMENTS_MAX_LOOKUPS", DEFAULT_MAX_LOOKUPS)
    for position, invoice in enumerate(missing):
        if position >= budget:
            outcome.notes.append(_("%(count)s invoices left the open items; the next run "
                                   "checks the rest.") % {"count": len(missing)})
            return
        try:
            booked = _booking_exists(runner, invoice)
        except LimitError:
            outcome.notes.append(_("The monthly limit of look-ups is reached: invoices that "
                                   "left the open items are checked next month."))
            return
        outcome.lookups += 1
        outcome.checked.add(invoice.pk)
        if booked:
            _apply(run, invoice, invoice.gross_total, outcome)
        else:
            _difference(run, invoice, PaymentDifference.Kind.VANISHED, outcome)


def _booking_exists(runner: Runner, invoice: SalesInvoice) -> bool:
    """One GetMutaties: by the booking's own mutation number (a number window reaches old
    mutations too), or around the invoice date when the number is not known."""
    number = invoice.sync_job.mutation_number
    if number:
        window = {"date_from": BOOKING_DATES[0], "date_to": BOOKING_DATES[1],
                  "number_from": number, "number_to": number}
    else:
        window = {"date_from": invoice.issue_date - RECONCILE_WINDOW,
                  "date_to": invoice.issue_date + RECONCILE_WINDOW}
    rows = runner.call("GetMutaties", runner.client.get_mutaties,
                       invoice_number=invoice.number, **window)
    return any(row.kind == "FactuurVerstuurd"
               and row.invoice_number.casefold() == invoice.number.casefold() for row in rows)


@transaction.atomic
def _difference(run: PaymentRun, invoice: SalesInvoice, kind: str, outcome: Outcome,
                item: OpenItem | None = None) -> None:
    values = {"run": run, "last_seen_at": timezone.now(),
              "amount": item.amount if item else None, "paid": item.paid if item else None,
              "open_amount": item.open_amount if item else None}
    updated = PaymentDifference.objects.filter(
        invoice=invoice, kind=kind, resolved_at__isnull=True).update(**values)
    if not updated:
        PaymentDifference.objects.create(organization_id=invoice.organization_id,
                                         connection=run.connection, invoice=invoice, kind=kind,
                                         **values)
    outcome.differences += 1


# --- what pages show -------------------------------------------------------------------------


def open_differences(organization):
    return (PaymentDifference.objects.for_organization(organization)
            .filter(resolved_at__isnull=True).select_related("invoice__customer"))


def failed_runs(organization) -> list[PaymentRun]:
    """The latest finished run of each connection, when it failed: shown in Foutmeldingen
    until a later run gets through."""
    finished = PaymentRun.objects.filter(
        connection=OuterRef("connection_id"),
        state__in=[PaymentRun.State.DONE, PaymentRun.State.FAILED],
    ).order_by("-created_at", "-id").values("pk")[:1]
    runs = list(PaymentRun.objects.for_organization(organization)
                .filter(state=PaymentRun.State.FAILED, pk=Subquery(finished)))
    for run in runs:
        run.hint = hint_for(run)
    return runs


def failed_run_count(organization) -> int:
    return len(failed_runs(organization))

