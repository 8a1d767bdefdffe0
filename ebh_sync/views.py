from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required, owner_required
from accounts.inputs import local_next, parse_ids
from accounts.tenancy import get_for_org_or_404
from ebh_sync import payments, selectors, services
from ebh_sync.forms import DecideForm, ExportForm
from ebh_sync.models import ExportBatch, SyncJob


@organization_required
def errors(request):
    """Foutmeldingen: bookings e-Boekhouden refused or that gave up, with a hint and retry."""
    page = Paginator(selectors.errors_for(request.organization), 50).get_page(
        request.GET.get("page")
    )
    jobs = selectors.hinted(page.object_list)
    retryable = any(job.state in services.RETRYABLE_STATES for job in jobs)
    failures = payments.failed_runs(request.organization)
    return render(
        request, "ebh_sync/errors.html",
        {"page": page, "retryable": retryable, "settings_section": "connections",
         "payment_failures": failures, "payment_failures_count": len(failures)},
    )


def _report_retry(request, count: int) -> None:
    if count:
        messages.success(
            request,
            ngettext("%(count)s booking queued again.", "%(count)s bookings queued again.", count)
            % {"count": count},
        )
    else:
        messages.error(request, _("Nothing to retry: connect e-Boekhouden.nl first."))


@organization_required
@require_POST
def retry(request, pk: int):
    job = get_for_org_or_404(request, SyncJob, pk=pk)
    count = services.jobs_retry(organization=request.organization, job_ids=[job.pk])
    _report_retry(request, count)
    # Only a path on this site: never another site, nor a bare word redirect() cannot reverse.
    return redirect(local_next(request.POST.get("next")) or "ebh_sync:errors")


@organization_required
def decide(request, pk: int):
    """A booking GetMutaties cannot confirm: the user looks in e-Boekhouden and decides."""
    job = get_for_org_or_404(request, SyncJob, pk=pk)
    form = DecideForm(request.POST or None)
    if job.state != SyncJob.State.DOUBT:
        messages.info(request, _("This booking no longer waits for a decision."))
        return redirect("ebh_sync:errors")
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["decision"] == "book":
            services.job_book_now(organization=request.organization, job_id=job.pk,
                                  user=request.user)
            messages.success(request, _("The booking is sent to e-Boekhouden.nl again."))
        else:
            services.job_mark_booked(organization=request.organization, job_id=job.pk,
                                     user=request.user,
                                     mutation_number=form.cleaned_data["mutation_number"])
            messages.success(request, _("Recorded as booked in e-Boekhouden.nl."))
        return redirect("ebh_sync:errors")
    return render(request, "ebh_sync/decide.html", {
        "job": selectors.hinted([job])[0], "form": form, "settings_section": "connections",
    })


@organization_required
@require_POST
def retry_bulk(request):
    ids = parse_ids(request.POST.getlist("job"))
    if not ids:
        messages.error(request, _("Select the bookings to retry."))
        return redirect("ebh_sync:errors")
    count = services.jobs_retry(organization=request.organization, job_ids=ids)
    _report_retry(request, count)
    return redirect("ebh_sync:errors")


def _export_data(request):
    """What the export form is bound to: the POST; or, on "Show invoices" (a GET with the
    period), the period with all its invoices ticked; or, following "Book them" from the
    notice (?unbooked=1), the period of the invoices never sent with just those ticked."""
    if request.method == "POST":
        return request.POST
    if request.GET.get("unbooked"):
        period = selectors.never_sent_period(request.organization)
        if period is None:
            return None
        return {"date_from": period[0].isoformat(), "date_to": period[1].isoformat(),
                "kind": "all", "picked": True, "invoices": period[2]}
    if "date_from" not in request.GET:
        return None
    data = request.GET.copy()
    data["picked"] = "1"
    return data


def _export_form(request) -> ExportForm:
    data = _export_data(request)
    if data is None:
        return ExportForm()
    # The period decides which invoices the form lists (and accepts).
    period = ExportForm({name: data.get(name) for name in ("date_from", "date_to", "kind")})
    if not period.is_valid():
        return ExportForm(data)
    candidates = selectors.export_candidates(
        request.organization, date_from=period.cleaned_data["date_from"],
        date_to=period.cleaned_data["date_to"], kind=period.cleaned_data["kind"])
    if request.method == "GET" and "invoices" not in data:
        data = {**data.dict(), "invoices": [row.key for row in candidates],
                "picked": bool(candidates)}
    return ExportForm(data, candidates=candidates)


@owner_required
def export(request):
    form = _export_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.export_create(
                organization=request.organization, user=request.user,
                date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"],
                kind=form.cleaned_data["kind"], selected=form.selection(),
            )
        except services.ExportError:
            messages.error(request, _("Connect e-Boekhouden.nl first, then export."))
            return redirect("connections:overview")
        return redirect("ebh_sync:export_detail", pk=batch.pk)
    recent = ExportBatch.objects.for_organization(request.organization)[:10]
    return render(
        request, "ebh_sync/export.html",
        {"form": form, "recent": recent, "settings_section": "connections"},
    )


@organization_required
def export_detail(request, pk: int):
    batch = get_for_org_or_404(request, ExportBatch, pk=pk)
    return render(
        request, "ebh_sync/export_detail.html",
        {"batch": batch, "progress": services.export_progress(batch),
         "failed_jobs": selectors.hinted(list(batch.jobs.filter(state=SyncJob.State.FAILED))),
         "settings_section": "connections"},
    )


@organization_required
def export_progress(request, pk: int):
    batch = get_for_org_or_404(request, ExportBatch, pk=pk)
    return JsonResponse(services.export_progress(batch))
