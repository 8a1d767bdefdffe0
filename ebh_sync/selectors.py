"""Read-side of the sync: what pages show about bookings."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from ebh_sync.hints import hint_for
from ebh_sync.models import SyncJob


@dataclass(frozen=True)
class Badge:
    label: str
    css: str
    title: str = ""
    detail: str = ""  # shown under the invoice's header when something needs the user
    url: str = ""
    link_label: str = ""


def error_link(organization) -> tuple[str, int]:
    """'Foutmeldingen (N)' on the connections page."""
    count = SyncJob.objects.for_organization(organization).needing_attention().count()
    return reverse("ebh_sync:errors"), count


def badge_for_job(job: SyncJob | None) -> Badge:
    if job is None:
        return Badge(_("not linked"), "badge-muted", _("Not sent to e-Boekhouden.nl"))
    state = job.state
    if state == SyncJob.State.BOOKED:
        return Badge(
            _("booked #%(number)s") % {"number": job.mutation_number}, "badge-success",
            _("Booked in e-Boekhouden.nl as mutation %(number)s") % {"number": job.mutation_number},
        )
    if state == SyncJob.State.FAILED:
        reason = f"{job.last_error_code}: {job.last_error}".strip(": ")
        return Badge(
            _("failed"), "badge-danger", reason,
            detail=_("Booking in e-Boekhouden.nl failed (%(reason)s). %(hint)s")
            % {"reason": reason, "hint": hint_for(job.last_error_code)},
            url=reverse("ebh_sync:errors"), link_label=_("Error messages"),
        )
    if state == SyncJob.State.CANCELLED:
        return Badge(_("not booked"), "badge-muted", _("The connection was ended before booking."))
    if state == SyncJob.State.PAUSED:
        return Badge(
            _("waiting"), "badge-warning", _("Paused: the connection needs action."),
            detail=_("The booking waits until the connection with e-Boekhouden.nl works again."),
            url=reverse("connections:overview"), link_label=_("Connections"),
        )
    return Badge(_("queued"), "badge-info", job.last_error or _("Waiting to be booked"))


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
    return badges_for("purchase_invoice", invoices)


def errors_for(organization):
    return (
        SyncJob.objects.for_organization(organization)
        .needing_attention()
        .select_related("sales_invoice", "purchase_invoice__supplier")
        .order_by("-updated_at", "-id")
    )


def hinted(jobs):
    for job in jobs:
        job.hint = hint_for(job.last_error_code)
    return jobs
