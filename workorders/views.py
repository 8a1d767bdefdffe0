"""Function views: check access, validate a form, call one service, redirect. Every member of
the organization may do everything with work orders (not only owners)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required
from accounts.inputs import parse_id
from accounts.tenancy import get_for_org_or_404
from invoicing.extensions import attach_badges
from invoicing.models import Customer, Product
from invoicing.money import editor_number
from workorders import planning, services
from workorders.forms import (
    LineFormSet,
    LineFormSetWithBlank,
    SignOffForm,
    WorkOrderFilterForm,
    WorkOrderForm,
    members_of,
)
from workorders.models import WorkOrder, WorkOrderError, WorkOrderState
from workorders.services import CheckOutcome

PAGE_SIZE = 25


def _post_or_error(request):
    """request.POST, or None (with a message) when the request is too large to read."""
    try:
        return request.POST
    except (TooManyFieldsSent, RequestDataTooBig):
        messages.error(request, _("The form was too large to process."))
        return None


def _error_messages(request, error: WorkOrderError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --------------------------------------------------------------------------- list


def _filtered(organization, filters: dict):
    work_orders = WorkOrder.objects.for_organization(organization)
    if "state" in filters:
        work_orders = work_orders.filter(state=filters["state"])
    if "customer" in filters:
        work_orders = work_orders.filter(customer=filters["customer"])
    assigned = filters.get("assigned", "")
    if assigned == "none":
        work_orders = work_orders.filter(assigned_to__isnull=True)
    elif parse_id(assigned) is not None:
        work_orders = work_orders.filter(assigned_to_id=parse_id(assigned))
    if "date_from" in filters:
        work_orders = work_orders.filter(planned_date__gte=filters["date_from"])
    if "date_to" in filters:
        work_orders = work_orders.filter(planned_date__lte=filters["date_to"])
    query = filters.get("q", "").strip()
    if query:
        work_orders = work_orders.filter(
            Q(number__icontains=query) | Q(customer__name__icontains=query)
            | Q(description__icontains=query) | Q(work_city__icontains=query)
        )
    return work_orders


@organization_required
def workorder_list(request):
    organization = request.organization
    form = WorkOrderFilterForm(request.GET, organization=organization)
    work_orders = _filtered(organization, form.filters())
    page = Paginator(work_orders.select_related("customer", "assigned_to"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "filters": request.GET, "querystring": _querystring(request),
        "states": WorkOrderState.choices, "members": members_of(organization),
        "customers": Customer.objects.for_organization(organization).only("id", "name"),
    }
    return render(request, "workorders/workorder_list.html", context)


# --------------------------------------------------------------------------- editor


def _initial(request, work_order: WorkOrder | None) -> dict:
    if work_order is not None:
        return {}
    initial = {"planned_date": planning.parse_day(request.GET.get("date")),
               "planned_start": datetime.time(8, 0)}
    if request.membership is not None:
        initial["assigned_to"] = request.user.pk
    customer = parse_id(request.GET.get("customer"))
    if customer is not None:
        initial["customer"] = Customer.objects.for_organization(request.organization).filter(
            pk=customer).first()
    return initial


def _plain(value: Decimal, places: int = 0) -> Decimal:
    """3.00 -> 3 and 52.5000 -> 52.50 in the editor (the stored value is unchanged)."""
    value = value.normalize()
    if -value.as_tuple().exponent >= places:
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _line_initial(work_order: WorkOrder | None) -> list[dict]:
    if work_order is None:
        return []
    return [{"kind": line.kind, "product": line.product_id, "description": line.description,
             "quantity": _plain(line.quantity), "unit": line.unit,
             "unit_price": _plain(line.unit_price, 2), "vat_rate": line.vat_rate}
            for line in work_order.lines.all()]


def _editor_data(organization) -> dict:
    """What workorders.js fills in when a product or a customer is picked."""
    products = Product.objects.for_organization(organization).filter(archived=False)
    customers = Customer.objects.for_organization(organization).filter(archived=False)
    return {
        "products": {str(p.pk): {"description": p.description, "unit": p.unit,
                                 "unit_price": editor_number(p.unit_price),
                                 "vat_rate": p.vat_rate}
                     for p in products},
        "customers": {str(c.pk): {"street": c.address, "postcode": c.postcode, "city": c.city,
                                  "reverse_charge": c.reverse_charge}
                      for c in customers.only("pk", "address", "postcode", "city",
                                              "reverse_charge")},
    }


def _editor(request, work_order: WorkOrder | None):
    organization = request.organization
    data = _post_or_error(request) if request.method == "POST" else None
    form = WorkOrderForm(data, instance=work_order, organization=organization,
                         initial=_initial(request, work_order))
    initial_lines = _line_initial(work_order)
    formset_class = LineFormSet if initial_lines else LineFormSetWithBlank
    formset = formset_class(data, prefix="lines", initial=initial_lines,
                            form_kwargs={"organization": organization})
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            work_order = services.work_order_save(
                work_order=form.save(commit=False), organization=organization,
                lines=formset.line_data(),
            )
        except WorkOrderError as error:
            for text in error.messages:
                form.add_error(None, text)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Work order %(number)s was saved.")
                             % {"number": work_order.number})
            return redirect("workorders:workorder_detail", pk=work_order.pk)
    context = {"form": form, "formset": formset, "work_order": work_order,
               "editor_data": _editor_data(organization)}
    return render(request, "workorders/workorder_form.html", context)


@organization_required
def workorder_create(request):
    return _editor(request, None)


@organization_required
def workorder_edit(request, pk: int):
    work_order = get_for_org_or_404(request, WorkOrder, pk=pk)
    if not work_order.lines_editable:
        messages.error(request, _("A checked or invoiced work order can no longer be changed."))
        return redirect("workorders:workorder_detail", pk=work_order.pk)
    return _editor(request, work_order)


# --------------------------------------------------------------------------- detail + actions


@organization_required
def workorder_detail(request, pk: int):
    work_order = get_for_org_or_404(
        request, WorkOrder.objects.select_related("customer", "assigned_to", "invoice"), pk=pk
    )
    lines = list(work_order.lines.select_related("product"))
    # The accounting link reports the state of the invoice it makes (invoice-module mode).
    attach_badges("work_order", [work_order])
    context = {
        "work_order": work_order, "lines": lines,
        "net_total": sum((line.net_amount for line in lines), 0),
        "sign_off_form": SignOffForm(),
    }
    return render(request, "workorders/workorder_detail.html", context)


@organization_required
@require_POST
def workorder_done(request, pk: int):
    work_order = get_for_org_or_404(request, WorkOrder, pk=pk)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("workorders:workorder_detail", pk=work_order.pk)
    try:
        services.work_order_mark_done(work_order=work_order, user=request.user,
                                      signed_off_by=form.cleaned_data["signed_off_by"])
    except WorkOrderError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The work order is done and signed off."))
    return redirect("workorders:workorder_detail", pk=work_order.pk)


@organization_required
@require_POST
def workorder_reopen(request, pk: int):
    work_order = get_for_org_or_404(request, WorkOrder, pk=pk)
    try:
        services.work_order_reopen(work_order=work_order, user=request.user)
    except WorkOrderError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The work order is open again."))
    return redirect("workorders:workorder_detail", pk=work_order.pk)


def _report_outcome(request, outcome: CheckOutcome) -> None:
    if outcome.handed_over:
        messages.success(request, _("The work order was checked and handed to the accounting "
                                    "link, which makes the invoice in its invoicing module."))
    else:
        messages.success(request, _("A draft invoice was made from the work order. Check it, "
                                    "change what is needed and finalize it."))


@organization_required
@require_POST
def workorder_check(request, pk: int):
    work_order = get_for_org_or_404(request, WorkOrder, pk=pk)
    try:
        outcome = services.work_order_mark_checked(work_order=work_order, user=request.user)
    except WorkOrderError as error:
        _error_messages(request, error)
    else:
        _report_outcome(request, outcome)
    return redirect("workorders:workorder_detail", pk=work_order.pk)


@organization_required
@require_POST
def workorder_invoice(request, pk: int):
    work_order = get_for_org_or_404(request, WorkOrder, pk=pk)
    try:
        outcome = services.work_order_create_invoice(work_order=work_order, user=request.user)
    except WorkOrderError as error:
        _error_messages(request, error)
    else:
        _report_outcome(request, outcome)
    return redirect("workorders:workorder_detail", pk=work_order.pk)


# --------------------------------------------------------------------------- planning


@organization_required
def planning_day(request):
    day = planning.parse_day(request.GET.get("date"))
    rows = planning.planning_rows(request.organization, day, 1)
    context = {
        "day": day, "rows": [(row, row.days[0]) for row in rows],
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
        "today": timezone.localdate(), "week": planning.week_value(day),
        "total": sum(row.count for row in rows),
    }
    return render(request, "workorders/planning_day.html", context)


@organization_required
def planning_week(request):
    monday = planning.parse_week(request.GET.get("week"))
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    rows = planning.planning_rows(request.organization, monday, 7)
    context = {
        "monday": monday, "sunday": days[-1], "days": days, "rows": rows,
        "week": planning.week_value(monday), "today": timezone.localdate(),
        "previous": planning.week_value(monday - datetime.timedelta(days=7)),
        "next": planning.week_value(monday + datetime.timedelta(days=7)),
        "current": planning.week_value(timezone.localdate()),
        "total": sum(row.count for row in rows),
    }
    return render(request, "workorders/planning_week.html", context)
