"""Function views: check access, validate a form, call one service, redirect."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required
from accounts.tenancy import get_for_org_or_404
from invoicing.views import line_editor_context
from recurring import services
from recurring.forms import TemplateForm, TemplateLineFormSet
from recurring.models import Generation, RecurringTemplate
from recurring.periods import fill, period_values
from recurring.selectors import period_label, waiting_for_review
from recurring.services import RecurringError


def _templates(request):
    return RecurringTemplate.objects.for_organization(request.organization)


@organization_required
def template_list(request):
    templates = _templates(request).select_related("customer")
    waiting = waiting_for_review(request.organization).select_related("invoice__customer")
    context = {"templates": templates, "waiting": waiting.order_by("period_date", "pk")[:50],
               "today": timezone.localdate()}
    return render(request, "recurring/template_list.html", context)


def _line_initial(template: RecurringTemplate | None, customer=None) -> list[dict]:
    if template is None:
        rate = "reverse" if customer is not None and customer.reverse_charge else "21"
        return [{"quantity": Decimal(1), "vat_rate": rate}]
    return [{"product": line.product_id, "description": line.description,
             "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price,
             "discount_percent": line.discount_percent, "vat_rate": line.vat_rate,
             "cost_centre": line.cost_centre} for line in template.lines.all()]


def _initial(request, template) -> dict:
    if template is not None:
        return {}
    organization = request.organization
    return {"start_date": timezone.localdate(), "language": organization.default_language,
            "payment_term_days": organization.payment_term_days}


def _preview_data() -> dict:
    """What the form's live example needs: month names per language."""
    months = {lang: [period_values(datetime.date(2026, m, 1), lang)["month"]
                     for m in range(1, 13)] for lang in ("nl", "en")}
    return {"months": months}


def _editor(request, template: RecurringTemplate | None):
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    form = TemplateForm(data, instance=template, organization=organization,
                        initial=_initial(request, template))
    editor = line_editor_context(organization)
    formset = TemplateLineFormSet(data, prefix="lines", initial=_line_initial(template),
                                  form_kwargs=editor["form_kwargs"])
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            template = services.template_save(template=form.save(commit=False),
                                              organization=organization,
                                              lines=formset.line_data())
        except (RecurringError, ValueError) as error:
            for text in getattr(error, "messages", [str(error)]):
                messages.error(request, text)
        else:
            messages.success(request, _("The recurring invoice was saved."))
            return redirect("recurring:template_detail", pk=template.pk)
    context = {"form": form, "formset": formset, "template": template,
               "preview_data": _preview_data(), **editor}
    return render(request, "recurring/template_form.html", context)


@organization_required
def template_create(request):
    return _editor(request, None)


@organization_required
def template_edit(request, pk: int):
    return _editor(request, get_for_org_or_404(request, _templates(request), pk=pk))


def _upcoming(template: RecurringTemplate) -> list[dict]:
    """The next dates, each with the first line's text as it will read."""
    first = template.lines.first()
    return [{"date": date, "text": fill(first.description, date, template.language)
             if first else ""} for date in template.upcoming(3)]


@organization_required
def template_detail(request, pk: int):
    template = get_for_org_or_404(request, _templates(request).select_related("customer"), pk=pk)
    generations = list(Generation.objects.filter(template=template)
                       .select_related("invoice").order_by("-period")[:100])
    for generation in generations:
        generation.label = period_label(generation.period_date, generation.frequency,
                                        translation.get_language())
    context = {"template": template, "lines": template.lines.all(),
               "generations": generations, "upcoming": _upcoming(template),
               "today": timezone.localdate()}
    return render(request, "recurring/template_detail.html", context)


def _set_active(request, pk: int, active: bool):
    template = get_for_org_or_404(request, _templates(request), pk=pk)
    services.template_set_active(template=template, active=active)
    messages.success(request, _("The recurring invoice runs again.") if active
                     else _("The recurring invoice is paused."))
    return redirect("recurring:template_detail", pk=template.pk)


@organization_required
@require_POST
def template_pause(request, pk: int):
    return _set_active(request, pk, False)


@organization_required
@require_POST
def template_resume(request, pk: int):
    return _set_active(request, pk, True)


@organization_required
def template_delete(request, pk: int):
    template = get_for_org_or_404(request, _templates(request), pk=pk)
    if request.method != "POST":
        count = Generation.objects.filter(template=template).count()
        return render(request, "recurring/template_confirm_delete.html",
                      {"template": template, "count": count})
    services.template_delete(template=template)
    messages.success(request, _("The recurring invoice was deleted; its invoices stay."))
    return redirect("recurring:template_list")


@organization_required
@require_POST
def template_generate(request, pk: int):
    """Make now what is due (what the hourly run would make)."""
    template = get_for_org_or_404(request, _templates(request), pk=pk)
    made = services.generate_for_template(template_id=template.pk)
    template.refresh_from_db()
    if template.last_error:
        messages.error(request, template.last_error)
    elif made:
        messages.success(request, _("Invoices made: %(count)s.") % {"count": made})
    else:
        messages.info(request, _("Nothing is due yet."))
    return redirect("recurring:template_detail", pk=template.pk)
