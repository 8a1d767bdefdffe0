"""Reconciliation: what we booked in a period against what e-Boekhouden holds.

What is compared
----------------
Our side is the sync jobs of the connection whose invoice date lies in the period: sales
invoices and credit notes (FactuurVerstuurd) and purchase invoices (FactuurOntvangen), each with
its invoice number, relation code, total incl. VAT in EUR and, when booked, the Mutatienummer
we recorded. Work-order invoices made in e-Boekhouden's invoicing module (AddFactuur) are not
checked here. Each booked job is *matched*, *missing* from e-Boekhouden, or its *amount
differs* (the sum of BedragInclBTW of the mutation's lines against our total). A mutation we
did not record that carries one of our invoice numbers (same kind; for purchases also the same
supplier, whose numbers are theirs, not unique) is *booked twice* when it repeats a booking we
see there under the same relation, else *not made by us*. Invoice numbers and relation codes
compare case-insensitively, as e-Boekhouden does.

Reading e-Boekhouden past the 500-row cap
-----------------------------------------
GetMutaties answers at most the 500 newest mutations that match, and a Factuurnummer or date
filter only searches the 500 newest mutations of the whole administration (an integrator's
report: SOAP_API.md §3.13, reading (b)); a MutatieNrVan/MutatieNrTm window does reach older
ones. So the report makes

1. one call with wide dates and no number filter: the newest 500 mutations of the
   administration (all of them when fewer come back); it covers the numbers from its lowest
   upward, and it finds mutations booked after ours;
2. then windows of 500 numbers, from the lowest Mutatienummer we recorded in the period up to
   where call 1 began. A window of 500 numbers cannot be cut off by the cap.

That is ``1 + ceil((start of call 1 - our lowest) / 500)`` calls, estimated before the start
from our own highest recorded number (:func:`estimate_calls`; ``bench/reconcile.py`` prints
the calls per 1,000 booked invoices). Mutations older than our lowest number are not read.

Never "missing" from an answer the cap could explain: when the answer covering a range returns
none of the mutation numbers we recorded in it, those bookings are reported as *not shown* by
e-Boekhouden (SOAP_API.md §3.13, last paragraph), not as missing. If e-Boekhouden holds many more
mutations than we knew of, the windows stop at the report's call limit and the unread range is
noted on the report.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from connections.crypto import CredentialDecryptError
from connections.services import connection_mark_action_needed, connection_session
from ebh_sync.mapping import PURCHASE_KIND, SALES_KIND
from ebh_sync.models import ReconciliationReport, SyncJob
from eboekhouden.client import (
    BOOKING_DATES,
    GETMUTATIES_ROW_CAP,
    AuthenticationError,
    EbhError,
    MutationSummary,
)

CENT = Decimal("0.01")
ROW_CAP = GETMUTATIES_ROW_CAP
WINDOW = GETMUTATIES_ROW_CAP  # numbers per MutatieNrVan/MutatieNrTm window: never cut off
# "Any date": GetMutaties requires DatumVan and DatumTm.
WIDE_FROM, WIDE_TO = BOOKING_DATES
KINDS = {SyncJob.Kind.SALES_INVOICE: SALES_KIND, SyncJob.Kind.PURCHASE_INVOICE: PURCHASE_KIND}

# Outcomes in the order the report lists them: what needs a look first.
OUTCOMES = {
    "missing": gettext_lazy("Missing in e-Boekhouden"),
    "twice": gettext_lazy("Booked twice"),
    "not_ours": gettext_lazy("Not made by us"),
    "amount": gettext_lazy("Amount differs"),
    "not_shown": gettext_lazy("Not shown by e-Boekhouden"),
    "matched": gettext_lazy("Matched"),
}
PROBLEMS = ReconciliationReport.PROBLEMS


@dataclass(frozen=True)
class Expected:
    """One document of ours in the period, as it should be in e-Boekhouden."""

    job_id: int
    kind: str  # FactuurVerstuurd or FactuurOntvangen
    invoice_number: str
    relation_code: str
    date: datetime.date
    total: Decimal  # incl. VAT, EUR
    number: int | None  # the Mutatienummer we recorded; None while not booked


def match_key(kind: str, invoice_number: str, relation_code: str) -> tuple[str, str, str]:
    """Which mutations carry "the same invoice": a sales number is unique in the
    administration, a purchase number only per supplier."""
    relation = relation_code.strip().casefold() if kind == PURCHASE_KIND else ""
    return kind, invoice_number.strip().casefold(), relation


@dataclass
class Scan:
    """What the calls returned: the mutations by number, and the number ranges each answer
    covered (``high`` None: upward without end)."""

    mutations: dict[int, MutationSummary] = field(default_factory=dict)
    blocks: list[tuple[int, int | None]] = field(default_factory=list)
    unread: tuple[int, int] | None = None  # numbers not read: the call limit was reached
    calls: int = 0

    def block_of(self, number: int) -> tuple[int, int | None] | None:
        for low, high in self.blocks:
            if low <= number and (high is None or number <= high):
                return low, high
        return None


# --- reading GetMutaties ---------------------------------------------------------------------


def estimate_calls(*, lowest: int | None, highest: int | None) -> int:
    """Calls of :func:`read_mutations` when the administration's newest mutation is
    ``highest`` (ours, as far as we know) and its numbers have no gaps."""
    if not lowest:
        return 1
    top_start = max((highest or lowest) - ROW_CAP + 1, 1)
    return 1 + math.ceil(max(top_start - lowest, 0) / WINDOW)


Fetch = Callable[[int, int], list[MutationSummary]]


def read_mutations(
    fetch: Fetch, *, lowest: int | None, max_calls: int,
    on_call: Callable[[int], None] | None = None,
) -> Scan:
    """Every mutation numbered from ``lowest`` up to the newest, in at most ``max_calls``
    calls. ``fetch(number_from, number_to)`` is one GetMutaties call (0, 0: no window);
    ``on_call(calls)`` is told before each call (a call that fails may still count)."""
    scan = Scan()

    def call(low: int, high: int) -> list[MutationSummary]:
        scan.calls += 1
        if on_call:
            on_call(scan.calls)
        rows = fetch(low, high)
        scan.mutations.update((row.number, row) for row in rows)
        return rows

    top = call(0, 0)
    if not top:
        return scan  # nothing shown at all: every booking is "not shown", none "missing"
    start = 1 if len(top) < ROW_CAP else min(row.number for row in top)
    scan.blocks.append((start, None))
    low = lowest or start
    while low < start:
        high = min(low + WINDOW - 1, start - 1)
        if scan.calls >= max_calls:
            scan.unread = (low, start - 1)
            break
        call(low, high)
        scan.blocks.append((low, high))
        low = high + 1
    return scan


# --- the comparison (pure) -------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    # Cents, as the books show them; the service may answer with four decimals.
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _row(outcome: str, expected: Expected, mutation: MutationSummary | None) -> dict:
    return {
        "outcome": outcome,
        "kind": expected.kind,
        "invoice_number": expected.invoice_number,
        "relation_code": expected.relation_code,
        "date": expected.date.isoformat(),
        "job_id": expected.job_id,
        "our_number": expected.number,
        "our_total": _amount(expected.total),
        "ebh_number": mutation.number if mutation else None,
        "ebh_invoice_number": mutation.invoice_number if mutation else "",
        "ebh_relation_code": mutation.relation_code if mutation else "",
        "ebh_date": mutation.date.isoformat() if mutation and mutation.date else "",
        "ebh_total": _amount(mutation.gross_total) if mutation else "",
    }


def _shown_blocks(booked: list[Expected], scan: Scan) -> set:
    """The ranges whose answer returned at least one of the numbers we recorded in them:
    only there does an absent number mean "missing"."""
    return {scan.block_of(e.number) for e in booked if e.number in scan.mutations}


def _is_ours(expected: Expected, mutation: MutationSummary) -> bool:
    return (mutation.kind == expected.kind
            and match_key(mutation.kind, mutation.invoice_number, "")[1]
            == match_key(expected.kind, expected.invoice_number, "")[1])


def _booked_row(expected: Expected, scan: Scan, shown: set) -> dict:
    mutation = scan.mutations.get(expected.number)
    if mutation is None or not _is_ours(expected, mutation):
        block = scan.block_of(expected.number)
        outcome = "missing" if block is not None and block in shown else "not_shown"
        return _row(outcome, expected, mutation)
    if mutation.gross_total != expected.total:
        return _row("amount", expected, mutation)
    return _row("matched", expected, mutation)


def compare(expected: list[Expected], scan: Scan) -> list[dict]:
    """The report's rows: one per booked document, plus one per mutation we did not record
    that carries one of our invoice numbers."""
    ours = {e.number for e in expected if e.number}
    others: dict[tuple, list[MutationSummary]] = defaultdict(list)
    for mutation in sorted(scan.mutations.values(), key=lambda m: m.number):
        if mutation.kind in KINDS.values() and mutation.number not in ours:
            key = match_key(mutation.kind, mutation.invoice_number, mutation.relation_code)
            others[key].append(mutation)
    booked = [e for e in expected if e.number]
    shown = _shown_blocks(booked, scan)
    rows = [_booked_row(e, scan, shown) for e in booked]
    for e in expected:
        for mutation in others.pop(match_key(e.kind, e.invoice_number, e.relation_code), []):
            repeats = (e.number in scan.mutations and mutation.relation_code.strip().casefold()
                       == e.relation_code.strip().casefold())
            rows.append(_row("twice" if repeats else "not_ours", e, mutation))
    order = list(OUTCOMES)
    return sorted(rows, key=lambda r: (order.index(r["outcome"]), r["date"], r["invoice_number"],
                                       r["ebh_number"] or 0))


def count_outcomes(rows: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        counts[row["outcome"]] += 1
    return counts


# --- our side ---------------------------------------------------------------------------------


def period_jobs(connection, date_from: datetime.date, date_to: datetime.date):
    return SyncJob.objects.filter(
        connection=connection, kind__in=list(KINDS), invoice_date__gte=date_from,
        invoice_date__lte=date_to,
    )


def _expected(job: SyncJob) -> Expected:
    if job.kind == SyncJob.Kind.SALES_INVOICE:
        invoice = job.sales_invoice
        relation = invoice.buyer.get("code") or invoice.customer.code
        total = invoice.gross_total_eur
    else:
        invoice = job.purchase_invoice
        relation, total = invoice.supplier.code, invoice.gross_total
    booked = job.state == SyncJob.State.BOOKED and job.mutation_number
    return Expected(
        job_id=job.pk, kind=KINDS[job.kind], invoice_number=job.invoice_number,
        relation_code=relation or "", date=job.invoice_date, total=Decimal(total),
        number=job.mutation_number if booked else None,
    )


def expected_in_period(connection, date_from: datetime.date, date_to: datetime.date):
    jobs = period_jobs(connection, date_from, date_to).select_related(
        "sales_invoice__customer", "purchase_invoice__supplier").order_by("invoice_date", "pk")
    return [_expected(job) for job in jobs]


def our_number_range(connection, date_from: datetime.date, date_to: datetime.date):
    """(lowest number we recorded in the period, highest we recorded at all)."""
    booked = SyncJob.objects.filter(connection=connection, kind__in=list(KINDS),
                                    state=SyncJob.State.BOOKED, mutation_number__isnull=False)
    lowest = booked.filter(invoice_date__gte=date_from, invoice_date__lte=date_to).order_by(
        "mutation_number").values_list("mutation_number", flat=True).first()
    highest = booked.order_by("-mutation_number").values_list(
        "mutation_number", flat=True).first()
    return lowest, highest


# --- the task's work --------------------------------------------------------------------------


def _claim(report_id: int) -> ReconciliationReport | None:
    claimed = ReconciliationReport.objects.filter(
        pk=report_id, state=ReconciliationReport.State.QUEUED,
    ).update(state=ReconciliationReport.State.RUNNING)
    if not claimed:
        return None
    return ReconciliationReport.objects.select_related("connection").get(pk=report_id)


def _progress(report: ReconciliationReport) -> Callable[[int], None]:
    def told(calls: int) -> None:
        # Saved before each call, so the count is right even when a call fails.
        planned = max(report.planned_calls, calls, 1)
        report.calls, report.percent = calls, min(95, round(100 * (calls - 1) / planned))
        ReconciliationReport.objects.filter(pk=report.pk).update(
            calls=report.calls, percent=report.percent)
    return told


def _scan(report: ReconciliationReport, lowest: int | None) -> Scan:
    with connection_session(connection=report.connection) as (client, session):
        def fetch(number_from: int, number_to: int) -> list[MutationSummary]:
            return client.get_mutaties(
                session, invoice_number="", date_from=WIDE_FROM, date_to=WIDE_TO,
                number_from=number_from, number_to=number_to,
            )

        return read_mutations(fetch, lowest=lowest, max_calls=max(report.call_limit, 1),
                              on_call=_progress(report))


def _notes(scan: Scan) -> list[str]:
    notes = []
    if scan.blocks:
        low = min(low for low, _high in scan.blocks)
        notes.append(_("Mutation numbers %(low)s and higher were read.") % {"low": low})
    else:
        notes.append(_("e-Boekhouden.nl showed no mutations at all."))
    if scan.unread:
        notes.append(_("Mutation numbers %(low)s to %(high)s were not read: that would take "
                       "more look-ups than this check may use.")
                     % {"low": scan.unread[0], "high": scan.unread[1]})
    return notes


def _fail(report: ReconciliationReport, message: str) -> None:
    report.state, report.error = ReconciliationReport.State.FAILED, message[:500]


def run_report(report_id: int) -> ReconciliationReport | None:
    """Read e-Boekhouden, compare, store the rows. None if the report was taken already."""
    report = _claim(report_id)
    if report is None:
        return None
    expected = expected_in_period(report.connection, report.date_from, report.date_to)
    lowest = min((e.number for e in expected if e.number), default=None)
    try:
        scan = _scan(report, lowest)
    except AuthenticationError as exc:
        connection_mark_action_needed(connection=report.connection, reason=exc.code)
        _fail(report, exc.user_message)
    except EbhError as exc:
        _fail(report, exc.user_message)
    except CredentialDecryptError:
        _fail(report, _("The stored credentials cannot be read. Connect again."))
    else:
        report.rows = compare(expected, scan)
        report.counts, report.notes = count_outcomes(report.rows), _notes(scan)
        report.calls, report.state = scan.calls, ReconciliationReport.State.DONE
    report.percent, report.finished_at = 100, timezone.now()
    report.save()
    return report
