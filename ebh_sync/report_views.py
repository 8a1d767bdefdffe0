"""Instellingen > Verbindingen > Controle: start a reconciliation report, follow it, read it
and download it as CSV. Owners only: the report shows the books of the organization."""

import datetime

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import owner_required
from accounts.single_line import SingleLineMixin
from accounts.tenancy import get_for_org_or_404
from ebh_sync import reports, services
from ebh_sync.models import ReconciliationReport
from invoicing.models import validate_business_date


class ReportForm(SingleLineMixin, forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"), validators=[validate_business_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Up to and including"), validators=[validate_business_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must lie before the end date."))
        return cleaned


def _last_month() -> dict:
    first = timezone.localdate().replace(day=1)
    end = first - datetime.timedelta(days=1)
    return {"date_from": end.replace(day=1), "date_to": end}


@owner_required
def report_list(request):
    connection = services.active_connection(request.organization)
    if connection is None or not connection.can_sync:
        messages.error(request, _("Connect e-Boekhouden.nl first, then check the bookings."))
        return redirect("connections:overview")
    form = ReportForm(request.POST or None, initial=_last_month())
    if request.method == "POST" and form.is_valid():
        try:
            report = reports.report_start(connection=connection, user=request.user,
                                          **form.cleaned_data)
        except reports.BudgetExceeded as exc:
            messages.error(request, exc.user_message)
        else:
            return redirect("ebh_sync:report_detail", pk=report.pk)
    return render(request, "ebh_sync/reports.html", {
        "form": form, "settings_section": "connections",
        "recent": ReconciliationReport.objects.for_organization(request.organization)[:10],
        "left": max(reports.calls_left_this_month(connection), 0),
        "allowed": reports.allowed_per_report(),
    })


@owner_required
def report_detail(request, pk: int):
    report = get_for_org_or_404(request, ReconciliationReport, pk=pk)
    return render(request, "ebh_sync/report_detail.html", {
        "report": report, "progress": reports.report_progress(report),
        "outcomes": reports.outcome_counts(report), "rows": reports.display_rows(report),
        "settings_section": "connections",
    })


@owner_required
def report_progress(request, pk: int):
    report = get_for_org_or_404(request, ReconciliationReport, pk=pk)
    return JsonResponse(reports.report_progress(report))


@owner_required
def report_csv(request, pk: int):
    report = get_for_org_or_404(request, ReconciliationReport, pk=pk)
    response = HttpResponse(reports.report_csv(report), content_type="text/csv; charset=utf-8")
    name = f"controle-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
