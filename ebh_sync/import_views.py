"""Relaties ophalen / Artikelen ophalen: start an import, follow it, settle the differences.

Owners start imports, change the daily import and choose per difference; everyone in the
organization may follow an import's progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required, owner_required
from accounts.tenancy import get_for_org_or_404
from ebh_sync import selectors, services
from ebh_sync.forms import ConflictChoiceForm, ImportSettingsForm
from ebh_sync.models import ImportRun, ImportSettings, RelationConflict


def _start(request, kind: str):
    connection = services.active_connection(request.organization)
    if connection is None or not connection.can_sync:
        messages.error(request, _("Connect e-Boekhouden.nl first, then import."))
        return redirect("connections:overview")
    run = services.import_start(
        connection=connection, kind=kind, trigger=ImportRun.Trigger.MANUAL, user=request.user
    )
    return redirect("ebh_sync:import_detail", pk=run.pk)


@owner_required
@require_POST
def import_relations(request):
    return _start(request, ImportRun.Kind.RELATIONS)


@owner_required
@require_POST
def import_articles(request):
    return _start(request, ImportRun.Kind.ARTICLES)


@owner_required
def imports(request):
    connection = services.active_connection(request.organization)
    row = ImportSettings.objects.filter(connection=connection).first() if connection else None
    return render(request, "ebh_sync/imports.html", {
        "runs": ImportRun.objects.for_organization(request.organization)[:20],
        "connection": connection,
        "form": ImportSettingsForm(initial={"periodic": bool(row and row.periodic)}),
        "open_conflicts": selectors.open_conflicts(request.organization).count(),
        "settings_section": "connections",
    })


@owner_required
@require_POST
def import_settings(request):
    connection = services.active_connection(request.organization)
    form = ImportSettingsForm(request.POST)
    if connection is None or not form.is_valid():
        messages.error(request, _("Connect e-Boekhouden.nl first, then import."))
        return redirect("connections:overview")
    services.import_settings_save(connection=connection, **form.cleaned_data)
    if form.cleaned_data["periodic"]:
        messages.success(request, _("Relations and articles are now imported every day."))
    else:
        messages.success(request, _("The daily import is off."))
    return redirect("ebh_sync:imports")


@organization_required
def import_detail(request, pk: int):
    run = get_for_org_or_404(request, ImportRun, pk=pk)
    return render(request, "ebh_sync/import_detail.html", {
        "run": run, "progress": selectors.import_progress(run),
        "open_conflicts": selectors.open_conflicts(request.organization).count(),
        "settings_section": "connections",
    })


@organization_required
def import_progress(request, pk: int):
    run = get_for_org_or_404(request, ImportRun, pk=pk)
    return JsonResponse(selectors.import_progress(run))


@owner_required
def conflicts(request):
    rows = selectors.conflict_rows(selectors.open_conflicts(request.organization)[:100])
    return render(request, "ebh_sync/conflicts.html", {
        "rows": rows, "settings_section": "connections",
    })


@owner_required
@require_POST
def conflict_resolve(request, pk: int):
    conflict = get_for_org_or_404(
        request, RelationConflict.objects.filter(resolved_at__isnull=True), pk=pk
    )
    form = ConflictChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["choice"]))
        return redirect("ebh_sync:conflicts")
    try:
        conflict = services.conflict_resolve(
            conflict=conflict, choice=form.cleaned_data["choice"]
        )
    except ValidationError as exc:  # e-Boekhouden's values do not fit here (nothing is saved)
        messages.error(request, " ".join(exc.messages))
        return redirect("ebh_sync:conflicts")
    party = conflict.party
    if conflict.resolution == RelationConflict.Choice.TAKE:
        text = _("%(party)s now has the values of e-Boekhouden.nl.")
    else:
        text = _("%(party)s keeps your values; the import no longer asks about them.")
    messages.success(request, text % {"party": party or conflict.link.code})
    return redirect("ebh_sync:conflicts")
