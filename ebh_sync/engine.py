"""Draining a connection's due bookings: exactly once, although e-Boekhouden has no
idempotency key.

One worker at a time holds a connection's lease (a conditional UPDATE on SyncLease) and
books its due jobs in one SOAP session. Per job:

1. If an earlier attempt may have reached the service (``in_doubt``), ask GetMutaties by
   invoice number first; only then, because that call is limited to 5,000 a month.
2. Make sure the relation exists (our memory first, AddRelatie when it is missing).
3. Commit the write-ahead marker (state "sending", in doubt), then call AddMutatie.
4. Record the Mutatienummer, or classify the failure: transient errors back off with
   jitter (the next attempt time lives in the row, not in Celery), rejections fail at once,
   authentication errors pause the connection without using up attempts.

A work order invoice (connection in invoice-module mode) takes the same path with AddFactuur
instead of AddMutatie and GetFacturen instead of GetMutaties; CFACT026 (number taken) is read
like CMUT019. Once created, the work order is confirmed as invoiced in the same transaction.

No database transaction is ever held open across a SOAP call."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import random
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from connections.clients import client_for
from connections.models import Connection, OwnerNotice
from connections.notices import owners_notify
from connections.services import (
    administration_key,
    connection_mark_action_needed,
    session_credentials,
    uses_sub_session,
)
from ebh_sync import mapping, signals
from ebh_sync.models import ArticleLink, RelationLink, SyncEvent, SyncJob, SyncLease
from eboekhouden.client import (
    BOOKING_DATES,
    GETMUTATIES_ROW_CAP,
    AuthenticationError,
    EbhClient,
    EbhError,
    InvoiceData,
    LimitError,
    MutationData,
    RejectedError,
    SessionError,
    TransientError,
)
from workorders import services as workorders

logger = logging.getLogger(__name__)

# SOAP's codes and REST's (MUT_019/MUT_020: the invoice number is taken, FACT_101: the
# invoicing module's number is taken, MUT_013/FACT_002: unknown relation, REL_049: code taken).
ALREADY_BOOKED_CODES = {"CMUT018", "CMUT019", "CFACT026", "MUT_019", "MUT_020", "FACT_101"}
RELATION_EXISTS_CODES = {"CREL001", "REL_049"}
UNKNOWN_RELATION_CODES = {"CMUT017", "CMUT025", "CFACT025", "MUT_013", "FACT_002"}
RECONCILE_WINDOW = datetime.timedelta(days=1)


# --- the lease -------------------------------------------------------------------------------


def _lease_until() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.EBH_SYNC_LEASE_SECONDS)


def lease_claim(connection_id: int, holder: str) -> bool:
    SyncLease.objects.get_or_create(connection_id=connection_id)
    free = Q(expires_at__isnull=True) | Q(expires_at__lt=timezone.now()) | Q(holder=holder)
    claimed = SyncLease.objects.filter(free, connection_id=connection_id).update(
        holder=holder, expires_at=_lease_until()
    )
    return claimed == 1


def lease_renew(connection_id: int, holder: str) -> bool:
    renewed = SyncLease.objects.filter(connection_id=connection_id, holder=holder).update(
        expires_at=_lease_until()
    )
    return renewed == 1


def lease_release(connection_id: int, holder: str) -> None:
    SyncLease.objects.filter(connection_id=connection_id, holder=holder).update(
        holder="", expires_at=None
    )


# --- job state changes (each its own short transaction) --------------------------------------


def log_event(job: SyncJob, action: str, code: str = "", message: str = "") -> None:
    SyncEvent.objects.create(job=job, action=action, code=code[:20], message=message[:500])


def _update(job: SyncJob, *, allow_cancelled: bool = False, **fields) -> bool:
    """Write fields unless the job was cancelled meanwhile (a disconnect wins over retries)."""
    rows = SyncJob.objects.filter(pk=job.pk)
    if not allow_cancelled:
        rows = rows.exclude(state=SyncJob.State.CANCELLED)
    changed = rows.update(updated_at=timezone.now(), **fields) == 1
    if changed:
        for name, value in fields.items():
            setattr(job, name, value)
    return changed


@transaction.atomic
def mark_booked(job: SyncJob, number: int, *, how: str = "booked") -> None:
    # The service's word is the truth, whatever happened to the job meanwhile.
    _update(
        job, allow_cancelled=True, state=SyncJob.State.BOOKED, mutation_number=number,
        in_doubt=False, booked_at=timezone.now(), last_error_code="", last_error="",
    )
    log_event(job, how, message=f"Mutatienummer {number}")
    signals.booking_booked.send(sender=SyncJob, job=job)


@transaction.atomic
def mark_invoice_created(job: SyncJob, number: str, *, how: str = "booked",
                         pdf_url: str = "") -> None:
    """The invoice exists in e-Boekhouden: record its number (and its PDF's address, when
    known) and move the work order on to invoiced, together."""
    _update(
        job, allow_cancelled=True, state=SyncJob.State.BOOKED, invoice_number=number[:50],
        in_doubt=False, booked_at=timezone.now(), last_error_code="", last_error="",
        pdf_url=pdf_url[:500],
    )
    workorders.work_order_invoice_externally_created(work_order=job.work_order,
                                                     invoice_number=number)
    log_event(job, how, message=f"Factuurnummer {number}")
    signals.booking_booked.send(sender=SyncJob, job=job)


@transaction.atomic
def mark_failed(job: SyncJob, code: str, message: str) -> None:
    failed = _update(job, state=SyncJob.State.FAILED, last_error_code=code[:20],
                     last_error=message[:500])
    log_event(job, "failed", code, message)
    if failed:  # not when a disconnect cancelled the job meanwhile
        signals.booking_failed.send(sender=SyncJob, job=job)
    # Bookings that used to go through stopped: tell the owners (at most daily). A first
    # booking that fails is the set-up, which the user is looking at anyway.
    booked = SyncJob.objects.filter(connection_id=job.connection_id, state=SyncJob.State.BOOKED)
    if booked.exists():
        owners_notify(organization=job.organization, cause=OwnerNotice.Cause.FAILING,
                      path=reverse("ebh_sync:errors"))


@transaction.atomic
def mark_doubt(job: SyncJob, message: str) -> None:
    """Left for a person to decide: booking.failed tells the organization's systems too."""
    _update(job, state=SyncJob.State.DOUBT, last_error_code="DOUBT", last_error=message)
    log_event(job, "doubt", "DOUBT", message)
    signals.booking_failed.send(sender=SyncJob, job=job)


def backoff_delay(attempts: int) -> datetime.timedelta:
    """Capped exponential backoff with jitter: base * 2^(n-1), drawn from [50%, 100%]."""
    base = settings.EBH_SYNC_BACKOFF_BASE_SECONDS
    ceiling = min(settings.EBH_SYNC_BACKOFF_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return datetime.timedelta(seconds=ceiling * random.uniform(0.5, 1.0))  # noqa: S311


def mark_retry(job: SyncJob, error: EbhError, *, in_doubt: bool) -> None:
    attempts = job.attempts + 1
    message = error.user_message
    if attempts >= settings.EBH_SYNC_MAX_ATTEMPTS:
        _update(job, attempts=attempts, in_doubt=in_doubt)
        mark_failed(
            job, error.code or "RETRY",
            _("Gave up after %(n)s attempts: %(message)s") % {"n": attempts, "message": message},
        )
        return
    _update(
        job, state=SyncJob.State.PENDING, attempts=attempts, in_doubt=in_doubt,
        next_attempt_at=timezone.now() + backoff_delay(attempts),
        last_error_code=(error.code or "")[:20], last_error=message[:500],
    )
    log_event(job, "retry", error.code or "", message)


@transaction.atomic
def pause_connection_jobs(connection_id: int, reason: str) -> int:
    """The credentials were refused: the waiting bookings need the user (booking.failed)."""
    active = [SyncJob.State.PENDING, SyncJob.State.SENDING]
    jobs = list(SyncJob.objects.select_for_update(of=("self",))
                .filter(connection_id=connection_id, state__in=active)
                .select_related("sales_invoice"))
    SyncJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        state=SyncJob.State.PAUSED, last_error=reason[:500], updated_at=timezone.now()
    )
    for job in jobs:
        job.state, job.last_error = SyncJob.State.PAUSED, reason[:500]
        signals.booking_failed.send(sender=SyncJob, job=job)
    return len(jobs)


def connection_accounts(connection: Connection) -> mapping.Accounts:
    """The ledger choices of a connection, as every booking (and its preview) uses them."""
    overrides = {(row.kind, row.vat_code): row.account for row in connection.overrides.all()}
    return mapping.Accounts(
        debtor=connection.debtor_account,
        creditor=connection.creditor_account,
        sales_contra=connection.sales_contra_account,
        purchase_contra=connection.purchase_contra_account,
        overrides=overrides,
        cost_centre=connection.default_cost_centre_id,
    )


# --- the drain -------------------------------------------------------------------------------


@dataclass
class DrainResult:
    claimed: bool = True
    booked: int = 0
    failed: int = 0
    retried: int = 0
    doubt: int = 0  # left for a person: GetMutaties cannot show whether they arrived
    stopped: str = ""
    # After service trouble: when the first job that was put back is due again.
    resume_at: datetime.datetime | None = None
    calls: dict[str, int] = field(default_factory=dict)


class _Stop(Exception):
    """Stop draining this connection for now (service trouble or credentials refused)."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.transient = transient


def due_jobs(connection_id: int, limit: int = 50) -> list[SyncJob]:
    """The next due jobs of a connection, with what booking them reads, in few queries."""
    return list(
        SyncJob.objects.due()
        .filter(connection_id=connection_id)
        .select_related("sales_invoice__customer", "purchase_invoice__supplier",
                        "work_order__customer", "work_order__organization")
        .prefetch_related(
            "sales_invoice__vat_totals", "sales_invoice__lines",
            "purchase_invoice__vat_totals", "purchase_invoice__lines",
        )
        .order_by("next_attempt_at", "id")[:limit]
    )


def next_attempt_at(connection_id: int) -> datetime.datetime | None:
    """When the connection's earliest waiting job may be tried again (None: nothing waits)."""
    return (
        SyncJob.objects.filter(connection_id=connection_id, state=SyncJob.State.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def next_due_job(connection_id: int) -> SyncJob | None:
    jobs = due_jobs(connection_id, limit=1)
    return jobs[0] if jobs else None


def drain_connection(
    connection_id: int, *, client: EbhClient | None = None, max_jobs: int = 500
) -> DrainResult:
    """Book the connection's due jobs in one session; returns what happened."""
    holder = uuid.uuid4().hex
    if not lease_claim(connection_id, holder):
        return DrainResult(claimed=False)
    runner = None
    try:
        # Only a lease holder sets "sending"; any such job now belongs to a dead worker.
        recover_orphans(connection_id)
        connection = Connection.objects.select_related("organization").get(pk=connection_id)
        if not connection.can_sync:
            return DrainResult(stopped="not connected")
        runner = Runner(connection, client or client_for(connection))
        _drain_jobs(runner, connection_id, holder, max_jobs)
        return runner.result
    finally:
        if runner is not None:
            runner.close()
        lease_release(connection_id, holder)


def _drain_jobs(runner: Runner, connection_id: int, holder: str, max_jobs: int) -> None:
    """Process due jobs chunk by chunk; renew the lease well before it can expire."""
    renewed_at, done = time.monotonic(), 0
    while done < max_jobs:
        jobs = due_jobs(connection_id, limit=min(50, max_jobs - done))
        if not jobs:
            return
        for job in jobs:
            try:
                runner.process(job)
            except _Stop as stop:
                runner.result.stopped = str(stop)
                if stop.transient:
                    runner.result.resume_at = next_attempt_at(connection_id)
                return
            done += 1
            if time.monotonic() - renewed_at > settings.EBH_SYNC_LEASE_SECONDS / 3:
                if not lease_renew(connection_id, holder):
                    runner.result.stopped = "lease lost"
                    return
                renewed_at = time.monotonic()


class Runner:
    """Books jobs of one connection over one lazily opened SOAP session."""

    def __init__(self, connection: Connection, client: EbhClient) -> None:
        self.connection = connection
        self.client = client
        self.result = DrainResult()
        self._session = None
        self._accounts = None
        self._admin_key = None
        self._sending = False
        # casefolded code -> e-Boekhouden relation id (e-Boekhouden ignores case)
        self._known_codes: dict[str, int] = {}
        self._last_number: int | None = None

    # --- session handling -------------------------------------------------------------------

    @sensitive_variables()
    def _open(self):
        credentials = session_credentials(connection=self.connection)
        guid = self.connection.administration_guid()
        sub = uses_sub_session(self.connection)
        self._count("OpenSessionSub" if sub else "OpenSession")
        if sub:
            return self.client.open_session_sub(credentials, guid)
        return self.client.open_session(credentials)

    @property
    def session(self):
        if self._session is None:
            self._session = self._open()
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._count("CloseSession")
            self.client.close_session(self._session)
            self._session = None

    def _count(self, operation: str) -> None:
        self.result.calls[operation] = self.result.calls.get(operation, 0) + 1

    def call(self, operation: str, method, *args, **kwargs):
        """One data call; on a session error, reopen the session once and try again."""
        for attempt in (1, 2):
            self._count(operation)
            try:
                return method(self.session, *args, **kwargs)
            except SessionError:
                self._session = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # --- per job ----------------------------------------------------------------------------

    def process(self, job: SyncJob) -> None:
        self._sending = False
        try:
            mutation = self.build(job)
        except mapping.MappingError as exc:
            mark_failed(job, "DATA", str(exc))
            self.result.failed += 1
            return
        try:
            self._book(job, mutation)
        except AuthenticationError as exc:
            self._pause(exc)
        except RejectedError as exc:
            self._rejected(job, mutation, exc)
        except LimitError as exc:
            mark_retry(job, exc, in_doubt=job.in_doubt)
            self.result.retried += 1
        except TransientError as exc:
            in_doubt = exc.ambiguous if self._sending else job.in_doubt
            mark_retry(job, exc, in_doubt=in_doubt)
            self.result.retried += 1
            raise _Stop(exc.code, transient=True) from None

    def _book(self, job: SyncJob, mutation: MutationData | InvoiceData) -> None:
        if job.in_doubt and self._reconcile(job, mutation):
            return
        mutation = self._with_relation_id(mutation, self.ensure_relation(job))
        if not _update(job, state=SyncJob.State.SENDING, in_doubt=True,
                       sent_after_number=self.last_number()):
            return  # cancelled meanwhile (the connection was ended): send nothing
        self._sending = True
        if isinstance(mutation, InvoiceData):
            mark_invoice_created(job, self.call("AddFactuur", self.client.add_factuur, mutation))
            self._store_pdf_url(job, mutation)
        else:
            number = self.call("AddMutatie", self.client.add_mutatie, mutation)
            mark_booked(job, number)
            self._last_number = max(self.last_number() or 0, number)
        self.result.booked += 1

    @staticmethod
    def _with_relation_id(
        mutation: MutationData | InvoiceData, relation_id: int
    ) -> MutationData | InvoiceData:
        """REST refers to the relation by its id: the one we stored, so no look-up by code."""
        if isinstance(mutation, MutationData) and relation_id and not mutation.relation_id:
            return dataclasses.replace(mutation, relation_id=relation_id)
        return mutation

    def _store_pdf_url(self, job: SyncJob, invoice: InvoiceData) -> None:
        """AddFactuur answers with the number only: one GetFacturen for the invoice's PDF
        address (URLPDFBestand), shown in our invoice list. The invoice exists either way, so
        a failure here costs the link, never the job."""
        try:
            rows = self._invoice_rows(invoice, job.invoice_number)
        except EbhError as exc:
            log_event(job, "pdf_url_missing", code=exc.code, message=exc.user_message)
            return
        log_event(job, "looked_up", message="GetFacturen URLPDFBestand")
        url = next((row.pdf_url for row in rows if row.pdf_url), "")
        if url:
            _update(job, allow_cancelled=True, pdf_url=url[:500])

    def _invoice_rows(self, invoice: InvoiceData, number: str) -> list:
        return [row for row in self.call(
            "GetFacturen", self.client.get_facturen, invoice_number=number,
            date_from=invoice.date - RECONCILE_WINDOW, date_to=invoice.date + RECONCILE_WINDOW,
        ) if _same(row.number, number) and _same(row.relation_code, invoice.relation_code)]

    def last_number(self) -> int | None:
        """The highest mutation number this connection has received since it was connected
        (to this administration)."""
        if self._last_number is None:
            jobs = SyncJob.objects.filter(connection=self.connection,
                                          mutation_number__isnull=False)
            if self.connection.connected_at:
                jobs = jobs.filter(booked_at__gte=self.connection.connected_at)
            self._last_number = jobs.aggregate(last=Max("mutation_number"))["last"]
        return self._last_number

    def _rejected(
        self, job: SyncJob, mutation: MutationData | InvoiceData, exc: RejectedError
    ) -> None:
        # "Invoice number already used": after an ambiguous failure this is our own booking.
        if exc.code in ALREADY_BOOKED_CODES and self._reconcile(job, mutation):
            return
        if exc.code in UNKNOWN_RELATION_CODES and self._forget_relation(job):
            # Our memory was stale (the relation was removed in e-Boekhouden): create it again.
            try:
                self._book(job, mutation)
                return
            except RejectedError as again:
                exc = again
        mark_failed(job, exc.code, exc.description or exc.user_message)
        self.result.failed += 1

    def _pause(self, exc: AuthenticationError) -> None:
        reason = exc.user_message
        connection_mark_action_needed(connection=self.connection, reason=reason)
        pause_connection_jobs(self.connection.pk, reason)
        raise _Stop(exc.code)

    def _reconcile(self, job: SyncJob, document: MutationData | InvoiceData) -> bool:
        """Is the booking (or the work order's invoice) already in e-Boekhouden? Looked up by
        invoice number: GetMutaties for bookings, GetFacturen for invoices. If so, record it
        (True). A booking GetMutaties cannot rule out is left to a person (True as well)."""
        if isinstance(document, InvoiceData):
            found = self._invoice_rows(document, document.invoice_number)
            if found:
                mark_invoice_created(job, document.invoice_number, how="reconciled",
                                     pdf_url=found[0].pdf_url)
        else:
            found = self._find_mutation(job, document)
            if found == [None]:
                self._ask_a_person(job)
                return True
            if found:
                mark_booked(job, min(found), how="reconciled")
        if not found:
            log_event(job, "reconciled", message="not booked yet")
            return False
        self.result.booked += 1
        return True

    def _find_mutation(self, job: SyncJob, mutation: MutationData) -> list[int | None]:
        """The numbers of our booking in e-Boekhouden: [] when it is provably not there,
        [None] when GetMutaties cannot tell.

        A look-up by invoice number searches only the newest 500 mutations of the
        administration (SOAP_API.md §3.13). When it finds nothing, a second look-up lists the
        mutations numbered from the last one we had before sending: an answer that still holds
        that number, or that is not full, shows every mutation made since; one that is full
        and does not reach back proves nothing."""
        by_number = self.call(
            "GetMutaties", self.client.get_mutaties, invoice_number=mutation.invoice_number,
            date_from=mutation.date - RECONCILE_WINDOW, date_to=mutation.date + RECONCILE_WINDOW,
        )
        found = [row.number for row in by_number if _is_booking_of(row, mutation)]
        if found or self.client.mutation_lookup_cap is None:
            # REST pages through every match: finding nothing proves it is not there.
            return found
        floor = job.sent_after_number or 0
        log_event(job, "looked_up", message=f"MutatieNrVan {max(floor, 1)}")
        since = self.call(
            "GetMutaties", self.client.get_mutaties, invoice_number="", date_from=BOOKING_DATES[0],
            date_to=BOOKING_DATES[1], number_from=max(floor, 1),
        )
        found = [row.number for row in since if _is_booking_of(row, mutation)]
        complete = len(since) < GETMUTATIES_ROW_CAP or floor in {row.number for row in since}
        return found if found or complete else [None]

    def _ask_a_person(self, job: SyncJob) -> None:
        message = _(
            "Sent without an answer, and e-Boekhouden.nl shows only its %(cap)s most recent "
            "mutations: more were booked since, so we cannot see whether invoice %(number)s "
            "arrived. Look it up in e-Boekhouden.nl, then book it now or mark it as already "
            "booked."
        ) % {"cap": GETMUTATIES_ROW_CAP, "number": job.invoice_number}
        mark_doubt(job, message)
        self.result.doubt += 1

    # --- building blocks --------------------------------------------------------------------

    def accounts(self) -> mapping.Accounts:
        if self._accounts is None:
            self._accounts = connection_accounts(self.connection)
        return self._accounts

    def build(self, job: SyncJob) -> MutationData | InvoiceData:
        if job.is_work_order_invoice:
            work_order = job.work_order
            lines = workorders.invoice_lines_for(work_order)
            return mapping.work_order_invoice(
                work_order, lines, self.accounts(), self.connection,
                invoice_number=job.invoice_number, date=job.invoice_date,
                article_codes=self.article_codes(lines),
            )
        if job.kind == SyncJob.Kind.SALES_INVOICE:
            invoice = job.sales_invoice
            return mapping.sales_mutation(
                invoice, self.accounts(), invoice.vat_totals.all(), invoice.lines.all()
            )
        invoice = job.purchase_invoice
        return mapping.purchase_mutation(
            invoice, self.accounts(), invoice.vat_totals.all(), invoice.lines.all()
        )

    def article_codes(self, lines) -> dict[int, str]:
        """Products imported from e-Boekhouden articles: product id -> article code."""
        ids = {line.product_id for line in lines if line.product_id}
        if not ids:
            return {}
        return dict(
            ArticleLink.objects.filter(
                connection=self.connection, administration=self.admin_key, product_id__in=ids
            ).values_list("product_id", "code")
        )

    def _relation_snapshot(self, job: SyncJob) -> dict:
        if job.is_work_order_invoice:
            return job.work_order.customer.snapshot()
        if job.kind == SyncJob.Kind.SALES_INVOICE:
            return job.sales_invoice.buyer or job.sales_invoice.customer.snapshot()
        return job.purchase_invoice.supplier.snapshot()

    @property
    def admin_key(self) -> str:
        if self._admin_key is None:
            self._admin_key = administration_key(self.connection.administration_guid())
        return self._admin_key

    def ensure_relation(self, job: SyncJob) -> int:
        """Make sure the debtor or creditor exists; a relation we know costs no call.
        Returns its e-Boekhouden id (0 when unknown)."""
        relation = mapping.relation_from_snapshot(self._relation_snapshot(job))
        key = relation.code.casefold()
        if key in self._known_codes:
            return self._known_codes[key]
        link = RelationLink.objects.filter(
            connection=self.connection, administration=self.admin_key, code__iexact=relation.code
        ).first()
        if link is not None:
            self._known_codes[key] = link.relation_id or 0
            return self._known_codes[key]
        try:
            relation_id = self.call("AddRelatie", self.client.add_relatie, relation)
            created = True
        except RejectedError as exc:
            if exc.code not in RELATION_EXISTS_CODES:
                raise
            relation_id, created = self._existing_relation_id(relation.code), False
        RelationLink.objects.get_or_create(
            connection=self.connection, administration=self.admin_key, code=relation.code,
            defaults={"organization": self.connection.organization, "relation_id": relation_id,
                      "created_by_us": created},
        )
        self._known_codes[key] = relation_id or 0
        if created:
            log_event(job, "relation_created", message=relation.code)
        return relation_id or 0

    def _forget_relation(self, job: SyncJob) -> bool:
        code = mapping.relation_from_snapshot(self._relation_snapshot(job)).code
        self._known_codes.pop(code.casefold(), None)
        deleted, _rows = RelationLink.objects.filter(
            connection=self.connection, administration=self.admin_key, code__iexact=code
        ).delete()
        return deleted > 0

    def _existing_relation_id(self, code: str) -> int:
        """CREL001: the code is taken (in any case); the relation with that code is ours."""
        rows = self.call("GetRelaties", self.client.get_relaties, code=code)
        matching = [row.id for row in rows if _same(row.code, code)]
        if not matching:
            raise TransientError(TransientError.MALFORMED, f"relation {code} not found")
        return matching[0]


def _same(ours: str, theirs: str) -> bool:
    """Codes and invoice numbers as e-Boekhouden compares them: regardless of case."""
    return (ours or "").casefold() == (theirs or "").casefold()


def _is_booking_of(row, mutation: MutationData) -> bool:
    return (row.kind == mutation.kind and _same(row.invoice_number, mutation.invoice_number)
            and _same(row.relation_code, mutation.relation_code))


# --- the sweeper -----------------------------------------------------------------------------


@transaction.atomic
def recover_orphans(connection_id: int | None = None) -> int:
    """Jobs left 'sending' by a worker whose lease expired: in doubt, back in the queue.

    With ``connection_id`` the caller holds that connection's lease, so every job of it that
    is still 'sending' is an orphan."""
    now = timezone.now()
    jobs = SyncJob.objects.filter(state=SyncJob.State.SENDING)
    if connection_id is not None:
        jobs = jobs.filter(connection_id=connection_id)
    else:
        live = SyncLease.objects.filter(expires_at__gte=now).values("connection_id")
        jobs = jobs.exclude(connection_id__in=live)
    return jobs.update(
        state=SyncJob.State.PENDING, in_doubt=True, next_attempt_at=now, updated_at=now
    )


def connections_with_due_jobs() -> list[int]:
    return list(
        SyncJob.objects.due()
        .filter(connection__status=Connection.Status.CONNECTED)
        .order_by()  # the default ordering would make DISTINCT count one per job
        .values_list("connection_id", flat=True)
        .distinct()
    )
