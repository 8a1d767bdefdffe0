"""Settings › Payment reminders, the "to remind" list, and the invoice page's actions (send a
reminder after a confirmation, pause, dispute notes)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required
from accounts.sending import email_send_refused
from accounts.tenancy import get_for_org_or_404
from invoicing.models import SalesInvoice
from reminders import letters, selectors, services
from reminders.forms import DisputeForm, ScheduleForm, StepFormSet
from reminders.models import DisputeNote, ReminderStep
from reminders.services import ReminderError, StepData


def _forms(request, schedule):
    data = request.POST if request.method == "POST" else None
    form = ScheduleForm(data, instance=schedule, prefix="schedule")
    formset = StepFormSet(data, queryset=schedule.steps.order_by("position"), prefix="steps")
    return form, formset


def _posted_steps(formset) -> list[StepData]:
    return [StepData(position=form.instance.position, **{
        name: form.cleaned_data[name] for name in form.Meta.fields}) for form in formset.forms]


def _unsaved_steps(formset) -> list[ReminderStep]:
    return [ReminderStep(**{**vars(data), "schedule": formset.forms[0].instance.schedule})
            for data in _posted_steps(formset)]


@organization_required
def schedule(request):
    schedule = services.schedule_get(organization=request.organization)
    can_edit = request.membership.is_owner
    form, formset = _forms(request, schedule)
    steps = services.steps_of(schedule)
    if request.method == "POST" and can_edit and form.is_valid() and formset.is_valid():
        if "preview" not in request.POST:
            return _save(request, schedule, form, formset)
        steps = _unsaved_steps(formset)
        schedule.collection_costs = form.cleaned_data["collection_costs"]
    elif request.method == "POST" and not can_edit:
        messages.error(request, _("Only owners can change the reminder schedule."))
        return redirect("reminders:schedule")
    return render(request, "reminders/schedule.html", {
        "settings_section": "reminders", "form": form, "formset": formset, "can_edit": can_edit,
        "previews": services.previews(schedule=schedule, steps=steps),
        "placeholders": letters.PLACEHOLDERS, "due_count": len(selectors.due_overview(
            request.organization, services.steps_of(schedule), timezone.localdate())),
        "collection_example": letters.COLLECTION_COSTS,
    })


def _save(request, schedule, form, formset):
    try:
        services.schedule_save(schedule=schedule, active=form.cleaned_data["active"],
                               collection_costs=form.cleaned_data["collection_costs"],
                               steps=_posted_steps(formset))
    except ReminderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The reminder schedule was saved."))
    return redirect("reminders:schedule")


@organization_required
def due_list(request):
    schedule = services.schedule_get(organization=request.organization)
    rows = selectors.due_overview(request.organization, services.steps_of(schedule),
                                  timezone.localdate())
    return render(request, "reminders/due_list.html", {
        "settings_section": "reminders", "rows": rows, "schedule": schedule})


def _invoice(request, pk: int) -> SalesInvoice:
    return get_for_org_or_404(
        request, SalesInvoice.objects.select_related("customer", "organization"), pk=pk)


def _back(invoice: SalesInvoice):
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


@organization_required
def send(request, pk: int):
    invoice = _invoice(request, pk)
    try:
        if request.method == "POST" and (status := email_send_refused(request)):
            return render(request, "reminders/confirm_send.html",
                          {"invoice": invoice, "letter": services.manual_letter(invoice=invoice)},
                          status=status)
        if request.method == "POST":
            services.reminder_send_manual(invoice=invoice, user=request.user,
                                          position=_int(request.POST.get("position")))
            messages.success(request, _("The reminder is on its way."))
            return _back(invoice)
        letter = services.manual_letter(invoice=invoice)
    except ReminderError as error:
        messages.error(request, str(error))
        return _back(invoice)
    return render(request, "reminders/confirm_send.html", {"invoice": invoice, "letter": letter})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@organization_required
@require_POST
def pause(request, pk: int):
    invoice = _invoice(request, pk)
    paused = request.POST.get("paused") == "1"
    try:
        services.reminder_pause(invoice=invoice, paused=paused, user=request.user)
    except ReminderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reminders are paused for this invoice.") if paused
                         else _("Reminders are on again for this invoice."))
    return _back(invoice)


@organization_required
@require_POST
def dispute_add(request, pk: int):
    invoice = _invoice(request, pk)
    form = DisputeForm(request.POST)
    try:
        if not form.is_valid():
            raise ReminderError(_("Write down what the customer disputes."))
        services.dispute_add(invoice=invoice, text=form.cleaned_data["text"], user=request.user)
    except ReminderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The dispute was noted: no reminders until it is "
                                    "resolved."))
    return _back(invoice)


@organization_required
@require_POST
def dispute_resolve(request, pk: int):
    note = get_for_org_or_404(request, DisputeNote.objects.select_related("invoice"), pk=pk)
    try:
        services.dispute_resolve(note=note, user=request.user)
    except ReminderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The dispute is resolved; reminders follow the schedule "
                                    "again."))
    return _back(note.invoice)
