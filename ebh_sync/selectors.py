"""Read-side of the sync: what pages show about bookings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from connections.models import Connection
from ebh_sync.hints import hint_for
from ebh_sync.models import PaymentDifference, SyncEvent, SyncJob
from ebh_sync.payments import failed_run_count
from invoicing.models import InvoiceStatus, PurchaseInvoice, PurchaseStatus, SalesInvoice
from invoicing.money import ZERO, totals_per_rate
from invoicing.vat import sales_rate

ENDED = gettext_lazy("The connection with e-Boekhouden.nl was ended before it was sent.")
ENDED_HINT = gettext_lazy("Connect e-Boekhouden.nl again, then retry.")


@dataclass(frozen=True)
class Badge:
    label: str
    css: str
    title: str = ""
    detail: str = ""  # shown under the invoice's header when something needs the user
    url: str = ""
    link_label: str = ""
    retry_url: str = ""  # a POST that queues a failed booking again, offered on the invoice


def error_link(organization) -> tuple[str, int]:
    """'Foutmeldingen (N)' on the connections page."""
    return reverse("ebh_sync:errors"), error_count(organization)


def badge_for_job(job: SyncJob | None) -> Badge:
    if job is None:
        return Badge(_("not linked"), "badge-muted", _("Not sent to e-Boekhouden.nl"))
    if job.is_work_order_invoice:
        return _work_order_badge(job)
    state = job.state
    if state == SyncJob.State.BOOKED:
        if job.mutation_number is None:  # confirmed by the user, number not given
            return Badge(_("booked"), "badge-success", _("Booked in e-Boekhouden.nl"))
        return Badge(
            _("booked #%(number)s") % {"number": job.mutation_number}, "badge-success",
            _("Booked in e-Boekhouden.nl as mutation %(number)s") % {"number": job.mutation_number},
        )
    if state == SyncJob.State.DOUBT:
        return Badge(
            _("check needed"), "badge-warning", job.last_error, detail=job.last_error,
            url=reverse("ebh_sync:decide", args=[job.pk]), link_label=_("Decide"),
        )
    if state == SyncJob.State.FAILED:
        reason = f"{job.last_error_code}: {job.last_error}".strip(": ")
        return Badge(
            _("failed"), "badge-danger", reason,
            detail=_("Booking in e-Boekhouden.nl failed (%(reason)s). %(hint)s")
            % {"reason": reason, "hint": hint_for(job.last_error_code)},
            url=reverse("ebh_sync:errors"), link_label=_("Error messages"),
            retry_url=reverse("ebh_sync:retry", args=[job.pk]),
        )
    if state == SyncJob.State.CANCELLED:
        return Badge(
            _("not booked"), "badge-muted", str(ENDED),
            detail=_("Not booked in e-Boekhouden.nl: %(reason)s %(hint)s")
            % {"reason": ENDED, "hint": ENDED_HINT},
            url=reverse("ebh_sync:errors"), link_label=_("Error messages"),
            retry_url=reverse("ebh_sync:retry", args=[job.pk]),
        )
    if state == SyncJob.State.PAUSED:
        return Badge(
            _("waiting"), "badge-warning", _("Paused: the connection needs action."),
            detail=_("The booking waits until the connection with e-Boekhouden.nl works again."),
            url=reverse("connections:overview"), link_label=_("Connections"),
        )
    return Badge(_("queued"), "badge-info", job.last_error or _("Waiting to be booked"))


def _work_order_badge(job: SyncJob) -> Badge:
    """The invoice a work order becomes in e-Boekhouden's invoicing module."""
    number = job.invoice_number
    if job.state == SyncJob.State.BOOKED:
        return Badge(
            _("invoice %(number)s in e-Boekhouden") % {"number": number}, "badge-success",
            _("Created in the invoicing module of e-Boekhouden.nl as invoice %(number)s")
            % {"number": number},
        )
    if job.state == SyncJob.State.FAILED:
        reason = f"{job.last_error_code}: {job.last_error}".strip(": ")
        return Badge(
            _("invoice failed"), "badge-danger", reason,
            detail=_("Creating invoice %(number)s in e-Boekhouden.nl failed (%(reason)s). "
                     "%(hint)s") % {"number": number, "reason": reason,
                                    "hint": hint_for(job.last_error_code)},
            url=reverse("ebh_sync:errors"), link_label=_("Error messages"),
            retry_url=reverse("ebh_sync:retry", args=[job.pk]),
        )
    if job.state == SyncJob.State.CANCELLED:
        return Badge(
            _("invoice not created"), "badge-muted", str(ENDED),
            detail=_("Invoice %(number)s was not created in e-Boekhouden.nl: %(reason)s "
                     "%(hint)s") % {"number": number, "reason": ENDED, "hint": ENDED_HINT},
            url=reverse("ebh_sync:errors"), link_label=_("Error messages"),
            retry_url=reverse("ebh_sync:retry", args=[job.pk]),
        )
    if job.state == SyncJob.State.PAUSED:
        return Badge(
            _("waiting"), "badge-warning", _("Paused: the connection needs action."),
            detail=_("Invoice %(number)s waits until the connection with e-Boekhouden.nl works "
                     "again.") % {"number": number},
            url=reverse("connections:overview"), link_label=_("Connections"),
        )
    return Badge(_("invoice queued"), "badge-info",
                 job.last_error or _("Waiting to be created in e-Boekhouden.nl as invoice "
                                     "%(number)s") % {"number": number})


def badges_for(model_field: str, documents) -> dict[int, Badge]:
    """One query for a page of invoices: document id -> its sync badge."""
    ids = [document.pk for document in documents]
    jobs = {
        getattr(job, f"{model_field}_id"): job
        for job in SyncJob.objects.filter(**{f"{model_field}_id__in": ids})
    }
    return {pk: badge_for_job(jobs.get(pk)) for pk in ids}


def invoice_badges(kind: str, invoices) -> dict[int, Badge]:
    """The badge provider registered with invoicing: drafts get none (nothing to book yet)."""
    if kind == "sales":
        return badges_for("sales_invoice", [i for i in invoices if not i.is_draft])
    if kind == "work_order":
        return badges_for("work_order", invoices)
    return badges_for("purchase_invoice", [i for i in invoices if not i.is_draft])


@dataclass(frozen=True)
class ModuleInvoiceRow:
    """A work order's invoice made in e-Boekhouden's invoicing module, as a read-only row of
    our invoice list (invoicing.extensions.external_invoices)."""

    number: str
    issue_date: datetime.date
    due_date: datetime.date
    customer_name: str
    net_total: Decimal
    gross_total: Decimal
    badge: Badge
    pdf_url: str
    source_url: str
    source_label: str
    currency: str = "EUR"


MODULE_STATE_BADGES = {
    SyncJob.State.BOOKED: (gettext_lazy("created"), "badge-success"),
    SyncJob.State.FAILED: (gettext_lazy("failed"), "badge-danger"),
    SyncJob.State.CANCELLED: (gettext_lazy("not created"), "badge-muted"),
    SyncJob.State.PAUSED: (gettext_lazy("waiting"), "badge-warning"),
    SyncJob.State.DOUBT: (gettext_lazy("check needed"), "badge-warning"),
}


def module_invoice_rows(organization, filters: dict) -> list[ModuleInvoiceRow]:
    """The external-invoice provider registered with invoicing: the work order invoices of
    invoice-module mode, filtered like the list (customer, dates, search)."""
    jobs = (SyncJob.objects.for_organization(organization)
            .filter(kind=SyncJob.Kind.WORK_ORDER_INVOICE)
            .select_related("work_order__customer", "work_order__organization")
            .prefetch_related("work_order__lines"))
    if filters.get("customer"):
        jobs = jobs.filter(work_order__customer_id=filters["customer"])
    if filters.get("date_from"):
        jobs = jobs.filter(invoice_date__gte=filters["date_from"])
    if filters.get("date_to"):
        jobs = jobs.filter(invoice_date__lte=filters["date_to"])
    if filters.get("query"):
        query = filters["query"]
        jobs = jobs.filter(Q(invoice_number__icontains=query)
                           | Q(work_order__customer__name__icontains=query)
                           | Q(work_order__number__iexact=query))
    return [_module_row(job) for job in jobs]


def _module_row(job: SyncJob) -> ModuleInvoiceRow:
    work_order = job.work_order
    totals = totals_per_rate((line.vat_rate, sales_rate(line.vat_rate).percentage,
                              line.net_amount) for line in work_order.lines.all())
    term = work_order.customer.payment_term_days
    if term is None:
        term = work_order.organization.payment_term_days
    label, css = MODULE_STATE_BADGES.get(job.state, (gettext_lazy("queued"), "badge-info"))
    title = f"{job.last_error_code}: {job.last_error}".strip(": ")
    return ModuleInvoiceRow(
        number=job.invoice_number, issue_date=job.invoice_date,
        due_date=job.invoice_date + datetime.timedelta(days=max(term, 1)),
        customer_name=work_order.customer.name,
        net_total=sum((t.net for t in totals), ZERO),
        gross_total=sum((t.gross for t in totals), ZERO),
        badge=Badge(str(label), css, title), pdf_url=job.pdf_url,
        source_url=reverse("workorders:workorder_detail", args=[work_order.pk]),
        source_label=_("Work order %(number)s") % {"number": work_order.number},
    )


def errors_for(organization):
    """Foutmeldingen: with the time of each job's latest attempt (or the user's retry)."""
    latest = SyncEvent.objects.filter(job=OuterRef("pk")).order_by("-at", "-id").values("at")
    return (
        SyncJob.objects.for_organization(organization)
        .for_error_list()
        .annotate(last_attempt_at=Coalesce(Subquery(latest[:1]), "updated_at"))
        .select_related("sales_invoice", "purchase_invoice__supplier", "work_order__customer")
        .order_by("-last_attempt_at", "-id")
    )


REQUEUED_HINT = gettext_lazy("Queued again: it leaves this list once it is booked.")


def hinted(jobs):
    """Give each job the ``reason`` and ``hint`` the error list shows, and ``requeued`` for
    the ones sent again that wait for their turn."""
    for job in jobs:
        job.requeued = job.state not in SyncJob.NEEDS_ATTENTION
        if job.requeued:
            job.reason, job.hint = job.last_error, str(REQUEUED_HINT)
        elif job.state == SyncJob.State.CANCELLED:
            job.reason, job.hint = str(ENDED), str(ENDED_HINT)
        else:
            job.reason, job.hint = job.last_error, hint_for(job.last_error_code)
    return jobs


# --- imports -----------------------------------------------------------------------------------


def import_progress(run) -> dict:
    """What the progress bar of an import shows (ebh_sync.js polls it)."""
    percent = 100 if run.finished else (
        round(100 * run.processed / run.total) if run.total else 0)
    phase = ""
    if run.state == run.State.RUNNING and not run.processed:
        # Still asking e-Boekhouden.nl: the number found grows with every call.
        phase = ngettext(
            "fetching: %(found)s found so far (%(calls)s call)",
            "fetching: %(found)s found so far (%(calls)s calls)", run.calls,
        ) % {"found": run.total, "calls": run.calls}
    return {
        "state": run.get_state_display(), "finished": run.finished, "percent": percent,
        "phase": phase, "calls": run.calls,
        "total": run.total, "processed": run.processed, "created": run.created,
        "updated": run.updated, "unchanged": run.unchanged, "conflicts": run.conflicts,
        "skipped": run.skipped, "failed": 1 if run.state == run.State.FAILED else 0,
    }


def open_conflicts(organization):
    from ebh_sync.models import RelationConflict

    return (
        RelationConflict.objects.for_organization(organization)
        .filter(resolved_at__isnull=True)
        .select_related("link__customer", "link__supplier")
    )


@dataclass(frozen=True)
class FieldDifference:
    label: str
    mine: str
    theirs: str


def conflict_rows(conflicts) -> list[tuple]:
    """(conflict, party, [FieldDifference]) per open conflict, local value next to
    e-Boekhouden's, with the field's own label."""
    rows = []
    for conflict in conflicts:
        party = conflict.party
        differences = [
            FieldDifference(
                str(type(party)._meta.get_field(name).verbose_name) if party else name,
                _display(party, name, getattr(party, name, "")), _display(party, name, value),
            )
            for name, value in conflict.remote_values.items()
        ]
        rows.append((conflict, party, differences))
    return rows


def _display(party, name: str, value) -> str:
    field = type(party)._meta.get_field(name) if party else None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value or "—")


# --- what invoice line editors and the booking preview offer (no call to the service) --------


def _configured_connection(organization) -> Connection | None:
    connection = Connection.objects.for_organization(organization).first()
    return connection if connection is not None and connection.is_configured else None


def line_ledger_choices(organization, kind: str) -> list[tuple[str, str]]:
    """The ledger-choices provider registered with invoicing: the profit and loss accounts of
    the connected administration's chart as last read, for "sales" or "purchase" lines."""
    connection = _configured_connection(organization)
    return connection.chart_choices(kind) if connection is not None else []


def cost_centre_choices(organization) -> list[tuple[int, str]]:
    """The cost-centre provider registered with invoicing: (id, "Parent › Child")."""
    connection = _configured_connection(organization)
    return connection.cost_centre_choices() if connection is not None else []


# --- invoices finalized while not connected (never booked) -----------------------------------


def never_sent(organization):
    """Finalized sales invoices and registered purchase invoices without any booking: made
    before the connection existed (or while it was not configured), so nothing queued them.
    Two querysets: (sales, purchases)."""
    sales = (SalesInvoice.objects.for_organization(organization)
             .exclude(status=InvoiceStatus.DRAFT).filter(sync_job__isnull=True))
    purchases = (PurchaseInvoice.objects.for_organization(organization)
                 .exclude(status=PurchaseStatus.DRAFT).filter(sync_job__isnull=True))
    return sales, purchases


def never_sent_count(organization) -> int:
    """How many invoices the connections page and the invoice list offer to book; 0 while
    there is no connection that can book them."""
    connection = Connection.objects.for_organization(organization).first()
    if connection is None or not connection.can_sync:
        return 0
    sales, purchases = never_sent(organization)
    return sales.count() + purchases.count()


def error_count(organization) -> int:
    """The number next to "Instellingen" in the navigation: the Foutmeldingen waiting (the
    bookings, and a payment read-back that failed)."""
    return (SyncJob.objects.for_organization(organization).needing_attention().count()
            + failed_run_count(organization))


@dataclass(frozen=True)
class ExportCandidate:
    """One invoice the export offers: ``key`` is "s<id>" (sales) or "p<id>" (purchase)."""

    key: str
    number: str
    date: object
    party: str
    amount: object
    currency: str
    state: str


def export_candidates(organization, *, date_from, date_to, kind: str) -> list[ExportCandidate]:
    """The period's finalized invoices that are not booked and not on their way: never sent,
    failed or stopped. The export lists them, each with a checkbox."""
    open_states = [SyncJob.State.FAILED, SyncJob.State.CANCELLED]
    waiting = Q(sync_job__isnull=True) | Q(sync_job__state__in=open_states)
    rows = []
    if kind in ("all", "sales"):
        sales = (SalesInvoice.objects.for_organization(organization)
                 .exclude(status=InvoiceStatus.DRAFT).filter(waiting)
                 .filter(issue_date__range=(date_from, date_to))
                 .select_related("customer", "sync_job").order_by("issue_date", "id"))
        rows += [ExportCandidate(f"s{i.pk}", i.number, i.issue_date, i.customer.name,
                                 i.gross_total_eur, "EUR", _candidate_state(i)) for i in sales]
    if kind in ("all", "purchase"):
        purchases = (PurchaseInvoice.objects.for_organization(organization)
                     .exclude(status=PurchaseStatus.DRAFT).filter(waiting)
                     .filter(invoice_date__range=(date_from, date_to))
                     .select_related("supplier", "sync_job").order_by("invoice_date", "id"))
        rows += [ExportCandidate(f"p{i.pk}", i.supplier_invoice_number, i.invoice_date,
                                 i.supplier.name, i.gross_total, "EUR",
                                 _candidate_state(i)) for i in purchases]
    return rows


def _candidate_state(invoice) -> str:
    job = getattr(invoice, "sync_job", None)
    return str(job.get_state_display()) if job is not None else _("never sent")


def never_sent_period(organization) -> tuple | None:
    """(first date, last date, keys) of the invoices never sent, or None when there are none:
    what the export preselects when the user follows "Book them"."""
    sales, purchases = never_sent(organization)
    dated = [(i.issue_date, f"s{i.pk}") for i in sales.only("pk", "issue_date")]
    dated += [(i.invoice_date, f"p{i.pk}") for i in purchases.only("pk", "invoice_date")]
    if not dated:
        return None
    dates = [date for date, _key in dated]
    return min(dates), max(dates), [key for _date, key in dated]


DIFFERENCE_DETAILS = {
    PaymentDifference.Kind.OVERPAID: gettext_lazy(
        "e-Boekhouden.nl shows more paid for this invoice than is open here. Nothing was "
        "changed: check the payment there."),
    PaymentDifference.Kind.VANISHED: gettext_lazy(
        "This invoice is no longer open in e-Boekhouden.nl and its booking is gone. Nothing "
        "was changed: check it there."),
}


def difference_badges(kind: str, invoices) -> dict:
    """The badge provider registered with invoicing: an invoice with a payment difference
    says so, with a link to the list (one query for a page of invoices)."""
    if kind != "sales":
        return {}
    ids = [invoice.pk for invoice in invoices if not invoice.is_draft]
    rows = PaymentDifference.objects.filter(invoice_id__in=ids, resolved_at__isnull=True)
    url = reverse("ebh_sync:payments") + "#differences"
    return {row.invoice_id: Badge(
        _("check payment"), "badge-warning", str(DIFFERENCE_DETAILS[row.kind]),
        detail=str(DIFFERENCE_DETAILS[row.kind]), url=url,
        link_label=_("Payments from e-Boekhouden.nl")) for row in rows}
