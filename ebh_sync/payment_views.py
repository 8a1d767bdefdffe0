"""Betalingen ophalen: start a payment read-back, follow it, and see what it could not
explain. Everyone in the organization may read payments back; the read-back only records
what e-Boekhouden shows."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required
from accounts.tenancy import get_for_org_or_404
from ebh_sync import payments, services
from ebh_sync.models import PaymentRun


@organization_required
def payments_overview(request):
    runs = list(PaymentRun.objects.for_organization(request.organization)[:10])
    latest = runs[0] if runs else None
    return render(request, "ebh_sync/payments.html", {
        "runs": runs, "latest": latest,
        "progress": payment_progress_data(latest) if latest else None,
        "differences": payments.open_differences(request.organization)[:200],
        "connection": services.active_connection(request.organization),
        "settings_section": "connections",
    })


@organization_required
@require_POST
def payments_fetch(request):
    connection = services.active_connection(request.organization)
    if connection is None or not connection.can_sync:
        messages.error(request, _("Connect e-Boekhouden.nl first, then fetch payments."))
        return redirect("connections:overview")
    services.payments_start(connection=connection, trigger=PaymentRun.Trigger.MANUAL,
                            user=request.user)
    messages.success(request, _("Fetching payments from e-Boekhouden.nl. Paid invoices are "
                                "marked as soon as it is done."))
    return redirect("ebh_sync:payments")


def payment_progress_data(run: PaymentRun) -> dict:
    return {"state": run.get_state_display(), "finished": run.finished,
            "percent": 100 if run.finished else 0, "paid": run.paid,
            "partly_paid": run.partly_paid, "differences": run.differences}


@organization_required
def payment_run_progress(request, pk: int):
    run = get_for_org_or_404(request, PaymentRun, pk=pk)
    return JsonResponse(payment_progress_data(run))
