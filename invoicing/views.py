"""Function views: check access, validate a form, call one service, redirect."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required, owner_required
from accounts.inputs import content_disposition, parse_id
from accounts.sending import email_send_refused
from accounts.tenancy import get_for_org_or_404
from invoicing import list_exports, numbering, services
from invoicing.exchange_rates import ecb_rate
from invoicing.exports import FORMATS as EXPORT_FORMATS
from invoicing.exports import tabular_response
from invoicing.extensions import (
    attach_badges,
    cost_centre_choices,
    external_invoices,
    ledger_choices,
    start_items,
)
from invoicing.forms import (
    PRINTED_VAT_RATES,
    CreditForm,
    CustomerForm,
    EmailForm,
    FinalizeForm,
    InvoiceForm,
    LineFormSet,
    NumberingForm,
    PaymentForm,
    ProductForm,
    PurchaseForm,
    PurchaseLineFormSet,
    SupplierForm,
    ecb_note,
    manual_note,
    printed_vat_field_name,
    rate_note,
)
from invoicing.history import invoice_history
from invoicing.models import (
    STATUS_FILTER_LABELS,
    Customer,
    InvoiceKind,
    Product,
    PurchaseInvoice,
    PurchaseStatus,
    SalesInvoice,
    Supplier,
)
from invoicing.money import editor_number
from invoicing.services import InvoicingError
from invoicing.start import first_steps, receivables, revenue_by_month
from invoicing.vat import PURCHASE_RATES

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _search_query(request) -> str:
    """The search box's text; PostgreSQL refuses a NUL character in a query parameter."""
    return request.GET.get("q", "").replace("\x00", "").strip()[:100]


def _querystring(request) -> str:
    """The current filters, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _post_or_error(request) -> dict | None:
    """request.POST, or None (with a message) when the request is too large to read."""
    try:
        return request.POST
    except (TooManyFieldsSent, RequestDataTooBig):
        messages.error(request, _("The form was too large to process: at most 500 lines and "
                                  "5 MB of text, uploads at most 10 MB."))
        return None


def _error_messages(request, error: Exception) -> None:
    texts = error.messages if hasattr(error, "messages") else [str(error)]
    for text in texts:
        messages.error(request, text)


def _parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _export_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise Http404


# --------------------------------------------------------------------------- parties

PARTY_VIEWS = {
    "customer": (Customer, CustomerForm, _("Customers"), _("customer")),
    "supplier": (Supplier, SupplierForm, _("Suppliers"), _("supplier")),
}


def _filtered_parties(request, kind: str):
    query = _search_query(request)
    archived = request.GET.get("archived") == "1"
    parties = PARTY_VIEWS[kind][0].objects.for_organization(request.organization).filter(
        archived=archived)
    if query:
        parties = parties.filter(
            Q(name__icontains=query) | Q(code__iexact=query) | Q(email__icontains=query)
            | Q(city__icontains=query) | Q(contact_person__icontains=query)
        )
    return parties


def _party_list(request, kind: str):
    title = PARTY_VIEWS[kind][2]
    context = {"page": _page(request, _filtered_parties(request, kind)), "kind": kind,
               "title": title, "q": _search_query(request),
               "archived": request.GET.get("archived") == "1",
               "querystring": _querystring(request)}
    return render(request, "invoicing/party_list.html", context)


def _party_export(request, kind: str, fmt: str):
    _export_format(fmt)
    rows = list_exports.party_rows(_filtered_parties(request, kind),
                                   request.organization.payment_term_days)
    filename = _("customers") if kind == "customer" else _("suppliers")
    return tabular_response(fmt, filename, list_exports.party_header(), rows)


def _party_form(request, kind: str, pk: int | None):
    model, form_class, _title, singular = PARTY_VIEWS[kind]
    party = get_for_org_or_404(request, model, pk=pk) if pk else None
    data = _post_or_error(request) if request.method == "POST" else None
    form = form_class(data, instance=party)
    if data is not None and form.is_valid():
        try:
            party = services.party_save(party=form.save(commit=False),
                                        organization=request.organization)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": party.name})
            return redirect(f"invoicing:{kind}_detail", pk=party.pk)
    context = {"form": form, "party": party, "kind": kind, "singular": singular}
    return render(request, "invoicing/party_form.html", context)


def _party_detail(request, kind: str, pk: int):
    model = PARTY_VIEWS[kind][0]
    party = get_for_org_or_404(request, model, pk=pk)
    invoices = party.invoices.order_by("-id")[:20]
    return render(request, "invoicing/party_detail.html",
                  {"party": party, "kind": kind, "invoices": invoices})


def _party_archive(request, kind: str, pk: int):
    party = get_for_org_or_404(request, PARTY_VIEWS[kind][0], pk=pk)
    archived = request.POST.get("archived") != "0"
    services.party_set_archived(party=party, archived=archived)
    if archived:
        messages.success(request, _("%(name)s was archived.") % {"name": party.name})
    else:
        messages.success(request, _("%(name)s was restored.") % {"name": party.name})
    return redirect(f"invoicing:{kind}_detail", pk=party.pk)


@organization_required
def customer_list(request):
    return _party_list(request, "customer")


@organization_required
def customer_export(request, fmt: str):
    return _party_export(request, "customer", fmt)


@organization_required
def customer_create(request):
    return _party_form(request, "customer", None)


@organization_required
def customer_edit(request, pk: int):
    return _party_form(request, "customer", pk)


@organization_required
def customer_detail(request, pk: int):
    return _party_detail(request, "customer", pk)


@organization_required
@require_POST
def customer_archive(request, pk: int):
    return _party_archive(request, "customer", pk)


@organization_required
def supplier_list(request):
    return _party_list(request, "supplier")


@organization_required
def supplier_export(request, fmt: str):
    return _party_export(request, "supplier", fmt)


@organization_required
def supplier_create(request):
    return _party_form(request, "supplier", None)


@organization_required
def supplier_edit(request, pk: int):
    return _party_form(request, "supplier", pk)


@organization_required
def supplier_detail(request, pk: int):
    return _party_detail(request, "supplier", pk)


@organization_required
@require_POST
def supplier_archive(request, pk: int):
    return _party_archive(request, "supplier", pk)


# --------------------------------------------------------------------------- products


@organization_required
def product_list(request):
    query = _search_query(request)
    archived = request.GET.get("archived") == "1"
    products = Product.objects.for_organization(request.organization).filter(archived=archived)
    if query:
        products = products.filter(description__icontains=query)
    return render(request, "invoicing/product_list.html",
                  {"page": _page(request, products), "q": query, "archived": archived,
                   "querystring": _querystring(request)})


def _product_form(request, product: Product | None):
    data = _post_or_error(request) if request.method == "POST" else None
    form = ProductForm(data, instance=product)
    if data is not None and form.is_valid():
        product = form.save(commit=False)
        if product.pk is None:
            product.organization = request.organization
        product.save()
        messages.success(request, _("The product was saved."))
        return redirect("invoicing:product_list")
    return render(request, "invoicing/product_form.html", {"form": form, "product": product})


@organization_required
def product_create(request):
    return _product_form(request, None)


@organization_required
def product_edit(request, pk: int):
    return _product_form(request, get_for_org_or_404(request, Product, pk=pk))


@organization_required
@require_POST
def product_archive(request, pk: int):
    product = get_for_org_or_404(request, Product, pk=pk)
    product.archived = request.POST.get("archived") != "0"
    product.save(update_fields=["archived"])
    messages.success(request, _("The product was archived.") if product.archived
                     else _("The product was restored."))
    return redirect("invoicing:product_list")


# --------------------------------------------------------------------------- invoices


def _filtered_invoices(request):
    invoices = SalesInvoice.objects.for_organization(request.organization)
    status = request.GET.get("status", "")
    invoices = invoices.with_display_status(status)
    customer = parse_id(request.GET.get("customer"))
    if customer is not None:
        invoices = invoices.filter(customer_id=customer)
    date_from = _parse_date(request.GET.get("from"))
    date_to = _parse_date(request.GET.get("to"))
    if date_from:
        invoices = invoices.filter(issue_date__gte=date_from)
    if date_to:
        invoices = invoices.filter(issue_date__lte=date_to)
    query = _search_query(request)
    if query:
        invoices = invoices.filter(Q(number__icontains=query) | Q(customer__name__icontains=query)
                                   | Q(reference__icontains=query))
    return invoices


def _external_rows(request) -> list:
    """Invoices made elsewhere (the accounting package's invoicing module) for the list's
    filters; they have no payment or email state of ours, so a status filter leaves them out."""
    if request.GET.get("status"):
        return []
    return external_invoices(request.organization, {
        "customer": parse_id(request.GET.get("customer")),
        "date_from": _parse_date(request.GET.get("from")),
        "date_to": _parse_date(request.GET.get("to")), "query": _search_query(request),
    })


def _page_rows(page, invoices, external: list) -> list[tuple[str, object]]:
    """The page's invoices with the external rows dated within its stretch of the list (from
    the previous page's last date, exclusive, down to this page's last date), newest first."""
    own = list(page.object_list)
    newer_than = None
    if page.number > 1:
        newer_than = invoices.values_list("issue_date", flat=True)[page.start_index() - 2]
    older_than = own[-1].issue_date if own and page.has_next() else None
    chosen = [row for row in external
              if (newer_than is None or row.issue_date < newer_than)
              and (older_than is None or row.issue_date >= older_than)]
    rows = [("own", invoice) for invoice in own] + [("external", row) for row in chosen]
    return sorted(rows, key=lambda pair: pair[1].issue_date, reverse=True)


@organization_required
def start(request):
    """The start page: what is owed, what needs the user, revenue, and first steps."""
    organization, today = request.organization, timezone.localdate()
    extra = start_items(organization, request.user)
    bars = revenue_by_month(organization, today)
    steps = [*first_steps(organization), *extra["step"]]
    context = {
        "receivables": receivables(organization, today), "bars": bars,
        "has_revenue": any(bar.amount for bar in bars),
        "counts": extra["count"], "notices": extra["notice"],
        "steps": steps, "next_step": next((step for step in steps if not step.done), None),
    }
    return render(request, "invoicing/start.html", context)


@organization_required
def invoice_list(request):
    invoices = _filtered_invoices(request)
    totals = invoices.aggregate(
        count=Count("id"), net=Sum("net_total_eur"), vat=Sum("vat_total_eur"),
        gross=Sum("gross_total_eur"),
    )
    external = _external_rows(request)
    totals["count"] += len(external)
    totals["net"] = (totals["net"] or 0) + sum(row.net_total for row in external)
    totals["gross"] = (totals["gross"] or 0) + sum(row.gross_total for row in external)
    page = _page(request, invoices.select_related("customer").with_email_facts())
    attach_badges("sales", page.object_list)
    customers = Customer.objects.for_organization(request.organization).only("id", "code", "name")
    context = {
        "page": page, "rows": _page_rows(page, invoices, external), "totals": totals,
        "customers": customers,
        "statuses": STATUS_FILTER_LABELS.items(), "filters": request.GET,
        "querystring": _querystring(request), "today": timezone.localdate(),
    }
    return render(request, "invoicing/invoice_list.html", context)


@organization_required
def invoice_export(request, fmt: str):
    """The invoice list as filtered (its invoices made elsewhere included), every page, as
    CSV or XLSX."""
    _export_format(fmt)
    rows = list_exports.invoice_rows(_filtered_invoices(request), _external_rows(request))
    return tabular_response(fmt, _("invoices"), list_exports.invoice_header(), rows)


def _invoice_editor(request, invoice: SalesInvoice | None):
    organization = request.organization
    data = _post_or_error(request) if request.method == "POST" else None
    initial = _invoice_initial(request, invoice)
    form = InvoiceForm(data, instance=invoice, organization=organization, initial=initial)
    editor = line_editor_context(organization)
    formset = LineFormSet(data, prefix="lines",
                          initial=_line_initial(invoice, initial.get("customer")),
                          form_kwargs=editor["form_kwargs"])
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            invoice = services.invoice_save_draft(
                invoice=form.save(commit=False), organization=organization,
                lines=formset.line_data(),
            )
        except (InvoicingError, ValueError) as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("invoicing:invoice_detail", pk=invoice.pk)
    context = {"form": form, "formset": formset, "invoice": invoice, **editor}
    return render(request, "invoicing/invoice_form.html", context)


def line_editor_context(organization) -> dict:
    """What the line editor (includes/line_editor.html) needs besides its formset, and the
    formset's ``form_kwargs``; shared with quotes and recurring templates."""
    # One provider call for the whole editor, not one per line (up to 500 lines).
    cost_centres = cost_centre_choices(organization)
    products = Product.objects.for_organization(organization).filter(archived=False)
    products_data = {
        str(p.pk): {"description": p.description, "unit": p.unit,
                    "unit_price": editor_number(p.unit_price), "vat_rate": p.vat_rate}
        for p in products
    }
    return {"products_data": products_data, "defaults_data": _editor_defaults(organization),
            "has_cost_centres": bool(cost_centres),
            "form_kwargs": {"organization": organization, "cost_centre_choices": cost_centres}}


def _editor_defaults(organization) -> dict:
    """What the line editor's script fills in when the customer or currency changes."""
    customers = Customer.objects.for_organization(organization).filter(archived=False)
    rates: dict[str, str] = {}
    recent = (SalesInvoice.objects.for_organization(organization).exclude(currency="EUR")
              .order_by("-id").values_list("currency", "exchange_rate")[:200])
    for currency, rate in recent:
        rates.setdefault(currency, editor_number(rate, places=0))  # the last rate used
    return {
        "customers": {
            str(c.pk): {"language": c.language, "reverse_charge": c.reverse_charge,
                        "payment_term_days": c.payment_term_days
                        if c.payment_term_days is not None else organization.payment_term_days}
            for c in customers.only("pk", "language", "reverse_charge", "payment_term_days")
        },
        "rates": rates,
    }


def _invoice_initial(request, invoice):
    if invoice is not None:
        return {}
    organization = request.organization
    initial = {"issue_date": timezone.localdate(),
               "payment_term_days": organization.payment_term_days,
               "language": organization.default_language}
    customer = Customer.objects.for_organization(organization).filter(
        pk=parse_id(request.GET.get("customer")) or 0
    ).first()
    if customer is not None:
        initial.update(customer=customer, language=customer.language)
        if customer.payment_term_days is not None:
            initial["payment_term_days"] = customer.payment_term_days
    return initial


def line_initial(document, customer=None) -> list[dict]:
    """The line editor's rows: one empty line for a new document, else its lines (an invoice's
    or a quote's: the same fields)."""
    return _line_initial(document, customer)


def _line_initial(invoice, customer=None):
    if invoice is None:
        rate = "reverse" if customer is not None and customer.reverse_charge else "21"
        return [{"quantity": Decimal(1), "vat_rate": rate}]
    return [
        {"product": line.product_id, "description": line.description, "quantity": line.quantity,
         "unit": line.unit, "unit_price": line.unit_price,
         "discount_percent": line.discount_percent, "vat_rate": line.vat_rate,
         "cost_centre": getattr(line, "cost_centre", 0)}
        for line in invoice.lines.all()
    ]


def _with_cost_centre_labels(organization, lines) -> list:
    """The lines with ``cost_centre_label``: the cost centre's name while the administration
    has it, else its number ("" for the default). Internal: the PDF never shows it."""
    lines = list(lines)
    if not any(line.cost_centre for line in lines):
        return lines
    labels = dict(cost_centre_choices(organization))
    for line in lines:
        line.cost_centre_label = (labels.get(line.cost_centre, str(line.cost_centre))
                                  if line.cost_centre else "")
    return lines


@organization_required
def exchange_rate_proposal(request):
    """The ECB rate the invoice editor proposes for ?currency=USD&date=2026-03-02, with the
    notes its field shows for that rate and for the user's own."""
    currency = request.GET.get("currency", "").strip().upper()[:3]
    date = _parse_date(request.GET.get("date")) or timezone.localdate()
    proposal = ecb_rate(currency, date)
    if proposal is None:
        note = rate_note(currency, date, None) if currency != "EUR" else ""
        return JsonResponse({"currency": currency, "rate": None, "note": note})
    return JsonResponse({
        "currency": currency, "rate": str(proposal.rate), "date": proposal.rate_date.isoformat(),
        "source": proposal.source, "value": number_format(proposal.rate, 6),
        "note": ecb_note(proposal, date),
        "manual_note": manual_note(proposal, date),
    })


@organization_required
def invoice_create(request):
    return _invoice_editor(request, None)


@organization_required
def invoice_edit(request, pk: int):
    invoice = get_for_org_or_404(request, SalesInvoice, pk=pk)
    if not invoice.is_draft or invoice.is_credit_note:
        messages.error(request, _("Only draft invoices can be edited."))
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    return _invoice_editor(request, invoice)


@organization_required
def invoice_detail(request, pk: int):
    invoice = get_for_org_or_404(
        request, SalesInvoice.objects.select_related("customer", "credited_invoice"), pk=pk
    )
    return _render_detail(request, invoice)


def _render_detail(request, invoice: SalesInvoice, email_form: EmailForm | None = None,
                   status: int = 200) -> HttpResponse:
    attach_badges("sales", [invoice])
    lines = _with_cost_centre_labels(request.organization, invoice.lines.all())
    context = {
        "invoice": invoice,
        "lines": lines,
        "line_cost_centres": any(line.cost_centre for line in lines),
        "vat_totals": invoice.vat_totals.all(),
        "payments": invoice.payments.all(),
        "emails": invoice.emails.all(),
        "credit_notes": invoice.credit_notes.all(),
        "history": invoice_history(invoice),
        "payment_form": PaymentForm(initial={
            "amount": invoice.gross_total - invoice.amount_paid - invoice.amount_credited,
            "date": timezone.localdate()}),
        "email_form": email_form or EmailForm(initial={
            "to": invoice.buyer.get("email") or invoice.customer.email,
            "message": services.default_email_message(invoice)}),
    }
    return render(request, "invoicing/invoice_detail.html", context, status=status)


@organization_required
@require_POST
def invoice_delete(request, pk: int):
    invoice = get_for_org_or_404(request, SalesInvoice, pk=pk)
    try:
        services.invoice_delete_draft(invoice=invoice)
    except InvoicingError as error:
        _error_messages(request, error)
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("invoicing:invoice_list")


@organization_required
def invoice_finalize(request, pk: int):
    invoice = get_for_org_or_404(request, SalesInvoice.objects.select_related("customer"), pk=pk)
    if not invoice.is_draft:
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    form = FinalizeForm(request.POST or None,
                        initial={"message": services.default_email_message(invoice),
                                 "send_email": bool(invoice.customer.email)})
    if invoice.is_credit_note:
        form.fields["send_email"].label = _("Email the credit note to the customer")
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["send_email"] and email_send_refused(request)
        if status:
            return render(request, "invoicing/invoice_finalize.html",
                          {"form": form, "invoice": invoice}, status=status)
        try:
            invoice = services.invoice_finalize(
                invoice=invoice, send_email=form.cleaned_data["send_email"],
                message=form.cleaned_data["message"], user=request.user,
            )
        except InvoicingError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("Invoice %(number)s was finalized.")
                             % {"number": invoice.number})
            return redirect("invoicing:invoice_detail", pk=invoice.pk)
    return render(request, "invoicing/invoice_finalize.html", {"form": form, "invoice": invoice})


def _stream_file(fieldfile, content_type: str, filename: str, disposition: str) -> FileResponse:
    response = FileResponse(fieldfile.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(disposition, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@organization_required
def invoice_pdf(request, pk: int):
    invoice = get_for_org_or_404(request, SalesInvoice, pk=pk)
    if not invoice.pdf:
        raise Http404
    return _stream_file(invoice.pdf, "application/pdf", invoice.number + ".pdf", "attachment")


@organization_required
def invoice_preview(request, pk: int):
    from invoicing.pdf import render_draft_preview

    invoice = get_for_org_or_404(
        request, SalesInvoice.objects.select_related("organization", "customer"), pk=pk
    )
    if not invoice.is_draft:
        return redirect("invoicing:invoice_pdf", pk=invoice.pk)
    response = HttpResponse(render_draft_preview(invoice), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@organization_required
@require_POST
def invoice_email(request, pk: int):
    invoice = get_for_org_or_404(request, SalesInvoice, pk=pk)
    form = EmailForm(request.POST)
    status = form.is_valid() and email_send_refused(request)
    if status:
        return _render_detail(request, invoice, email_form=form, status=status)
    if form.is_valid():
        try:
            services.email_queue(invoice=invoice, to=form.cleaned_data["to"],
                                 message=form.cleaned_data["message"], user=request.user)
        except InvoicingError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The email is on its way to %(to)s.") % form.cleaned_data)
    else:
        messages.error(request, _("Enter a valid email address and a message."))
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


@organization_required
@require_POST
def payment_register(request, pk: int):
    invoice = get_for_org_or_404(request, SalesInvoice, pk=pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    try:
        services.payment_register(invoice=invoice, user=request.user, **form.cleaned_data)
    except InvoicingError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The payment was registered."))
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


@organization_required
def credit_note_create(request, pk: int):
    invoice = get_for_org_or_404(
        request, SalesInvoice.objects.filter(kind=InvoiceKind.INVOICE), pk=pk
    )
    if invoice.is_draft:
        raise Http404
    lines = list(invoice.lines.all())
    form = CreditForm(request.POST or None, lines=lines,
                      open_quantities=services.creditable_quantities(invoice))
    if request.method == "POST" and form.is_valid():
        try:
            credit_note = services.credit_note_create(
                invoice=invoice, user=request.user, quantities=form.quantities()
            )
        except InvoicingError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("A draft credit note was made. Check it and finalize it."))
            return redirect("invoicing:invoice_detail", pk=credit_note.pk)
    return render(request, "invoicing/credit_note_form.html", {"form": form, "invoice": invoice})


@owner_required
def numbering_settings(request):
    organization = request.organization
    year = numbering.invoice_series_year(organization=organization,
                                         issue_date=timezone.localdate())
    current = numbering.peek_next_invoice_sequence(organization=organization, year=year)
    form = NumberingForm(request.POST or None, initial={"next_number": current},
                         examples=numbering.format_examples(year=timezone.localdate().year),
                         current_format=organization.invoice_number_format)
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["next_number"]
        try:
            numbering.set_numbering(organization=organization, year=year, next_value=value,
                                    number_format=form.chosen_format())
        except ValueError:
            form.add_error("next_number", _("Invoice numbers up to %(n)s are already in use.")
                           % {"n": numbering.highest_used_sequence(organization=organization,
                                                                   year=year)})
        else:
            messages.success(request, _("The numbering was saved."))
            return redirect("invoicing:numbering_settings")
    example = numbering.format_invoice_number(
        organization=organization, year=timezone.localdate().year, sequence=current)
    context = {"form": form, "example": example, "year": year,
               "settings_section": "numbering"}
    return render(request, "invoicing/numbering_settings.html", context)


# --------------------------------------------------------------------------- purchases


def _purchase_formset(data, organization, initial=None):
    # One provider call for the whole editor, not one per line (up to 500 lines).
    choices = ledger_choices(organization, "purchase")
    return PurchaseLineFormSet(data, prefix="lines", initial=initial or [{"vat_rate": "21"}],
                               form_kwargs={"ledger_choices": choices,
                                            "cost_centre_choices": cost_centre_choices(
                                                organization)})


def _purchase_form_page(request, form, formset, invoice=None):
    return render(request, "invoicing/purchase_form.html", {
        "form": form, "formset": formset, "invoice": invoice,
        "rates": {str(rate): str(info.percentage) for rate, info in PURCHASE_RATES.items()},
        "has_cost_centres": "cost_centre" in formset.empty_form.fields,
    })


def _filtered_purchases(request):
    invoices = PurchaseInvoice.objects.for_organization(request.organization)
    status = request.GET.get("status", "")
    if status in PurchaseStatus.values:
        invoices = invoices.filter(status=status)
    supplier = parse_id(request.GET.get("supplier"))
    if supplier is not None:
        invoices = invoices.filter(supplier_id=supplier)
    date_from, date_to = _parse_date(request.GET.get("from")), _parse_date(request.GET.get("to"))
    if date_from:
        invoices = invoices.filter(invoice_date__gte=date_from)
    if date_to:
        invoices = invoices.filter(invoice_date__lte=date_to)
    return invoices


@organization_required
def purchase_list(request):
    invoices = _filtered_purchases(request)
    # A draft is not booked yet: it counts in no total.
    totals = invoices.exclude(status=PurchaseStatus.DRAFT).aggregate(
        count=Count("id"), net=Sum("net_total"), vat=Sum("vat_total"), gross=Sum("gross_total"))
    page = _page(request, invoices.select_related("supplier"))
    _attach_purchase_badges(page.object_list)
    context = {
        "page": page, "totals": totals,
        "suppliers": Supplier.objects.for_organization(request.organization).only("id", "name"),
        "statuses": PurchaseStatus.choices, "filters": request.GET,
        "querystring": _querystring(request),
    }
    return render(request, "invoicing/purchase_list.html", context)


@organization_required
def purchase_export(request, fmt: str):
    """The purchase list as filtered, every page, as CSV or XLSX."""
    _export_format(fmt)
    rows = list_exports.purchase_rows(_filtered_purchases(request))
    return tabular_response(fmt, _("purchase-invoices"), list_exports.purchase_header(), rows)


def _attach_purchase_badges(invoices) -> None:
    """Booking badges for registered invoices only: a draft has nothing to book yet."""
    invoices = list(invoices)
    for invoice in invoices:
        invoice.extra_badges = []
    attach_badges("purchase", [invoice for invoice in invoices if not invoice.is_draft])


@organization_required
def purchase_create(request):
    organization = request.organization
    data = _post_or_error(request) if request.method == "POST" else None
    files = request.FILES if data is not None else None
    form = PurchaseForm(data, files, organization=organization)
    formset = _purchase_formset(data, organization)
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            invoice = services.purchase_invoice_register(
                organization=organization, data=form.purchase_data(formset.line_data()),
                attachment=form.cleaned_data.get("attachment"), user=request.user,
            )
        except (InvoicingError, ValidationError) as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The purchase invoice was registered."))
            return redirect("invoicing:purchase_detail", pk=invoice.pk)
    return _purchase_form_page(request, form, formset)


def _draft_initial(invoice: PurchaseInvoice) -> tuple[dict, list[dict]]:
    header = {"supplier": invoice.supplier_id, "description": invoice.description,
              "supplier_invoice_number": invoice.supplier_invoice_number,
              "invoice_date": invoice.invoice_date, "due_date": invoice.due_date}
    header.update({printed_vat_field_name(t.vat_rate): t.vat_amount
                   for t in invoice.vat_totals.all() if t.vat_rate in PRINTED_VAT_RATES})
    lines = [{"description": line.description, "vat_rate": line.vat_rate,
              "net_amount": line.net_amount, "ledger_account": line.ledger_account,
              "cost_centre": line.cost_centre}
             for line in invoice.lines.all()]
    return header, lines


@organization_required
def purchase_edit(request, pk: int):
    """The form of a draft (the replacement of a corrected invoice): save or register it."""
    organization = request.organization
    invoice = get_for_org_or_404(request, PurchaseInvoice.objects.select_related("supplier"),
                                 pk=pk)
    if not invoice.is_draft:
        messages.error(request, _("A registered purchase invoice cannot be changed; correct "
                                  "it instead."))
        return redirect("invoicing:purchase_detail", pk=invoice.pk)
    data = _post_or_error(request) if request.method == "POST" else None
    files = request.FILES if data is not None else None
    header, lines = _draft_initial(invoice)
    form = PurchaseForm(data, files, organization=organization, initial=header)
    # Posted lines are compared with nothing: a line equal to its initial would count as
    # "unchanged" and be dropped.
    formset = _purchase_formset(data, organization, initial=lines if data is None else None)
    if data is not None and form.is_valid() and formset.is_valid():
        register = "register" in data
        try:
            _save_or_register_draft(request, invoice, form, formset, register=register)
        except (InvoicingError, ValidationError) as error:
            _error_messages(request, error)
        else:
            return redirect("invoicing:purchase_detail", pk=invoice.pk)
    return _purchase_form_page(request, form, formset, invoice)


def _save_or_register_draft(request, invoice, form, formset, *, register: bool) -> None:
    arguments = {"invoice": invoice, "organization": request.organization,
                 "data": form.purchase_data(formset.line_data()),
                 "attachment": form.cleaned_data.get("attachment")}
    if register:
        services.purchase_draft_register(**arguments, user=request.user)
        messages.success(request, _("The purchase invoice was registered."))
    else:
        services.purchase_draft_save(**arguments)
        messages.success(request, _("The draft was saved; it is not booked until you register "
                                    "it."))


@organization_required
@require_POST
def purchase_delete(request, pk: int):
    invoice = get_for_org_or_404(request, PurchaseInvoice, pk=pk)
    try:
        services.purchase_draft_delete(invoice=invoice)
    except InvoicingError as error:
        _error_messages(request, error)
        return redirect("invoicing:purchase_detail", pk=invoice.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("invoicing:purchase_list")


@organization_required
def purchase_correct(request, pk: int):
    """Confirm, then book the reversal and open the replacement draft."""
    invoice = get_for_org_or_404(
        request, PurchaseInvoice.objects.select_related("supplier"), pk=pk
    )
    if request.method == "POST":
        try:
            reversal, draft = services.purchase_invoice_correct(invoice=invoice,
                                                                user=request.user)
        except InvoicingError as error:
            _error_messages(request, error)
            return redirect("invoicing:purchase_detail", pk=invoice.pk)
        messages.success(request, _(
            "Reversal %(reversal)s was registered and will be booked. Fix the new invoice "
            "below and register it.") % {"reversal": reversal.supplier_invoice_number})
        return redirect("invoicing:purchase_edit", pk=draft.pk)
    if not invoice.can_be_corrected:
        messages.error(request, _("Only a registered purchase invoice can be corrected, and "
                                  "only once; a correction itself cannot be corrected."))
        return redirect("invoicing:purchase_detail", pk=invoice.pk)
    return render(request, "invoicing/purchase_correct.html", {
        "invoice": invoice, "preview": services.purchase_correction_numbers(invoice=invoice),
    })


@organization_required
def purchase_detail(request, pk: int):
    invoice = get_for_org_or_404(
        request,
        PurchaseInvoice.objects.select_related("supplier", "reversal_of", "replaces"), pk=pk,
    )
    _attach_purchase_badges([invoice])
    lines = _with_cost_centre_labels(request.organization, invoice.lines.all())
    return render(request, "invoicing/purchase_detail.html", {
        "invoice": invoice, "lines": lines,
        "line_cost_centres": any(line.cost_centre for line in lines),
        "vat_totals": invoice.vat_totals.all(),
        "today": timezone.localdate(), "related": _related_purchases(invoice),
    })


def _related_purchases(invoice: PurchaseInvoice) -> dict:
    """The other documents of a correction: its reversal and its replacement, if any."""
    related = PurchaseInvoice.objects.filter(Q(reversal_of=invoice) | Q(replaces=invoice))
    found = {"reversal": None, "replacement": None}
    for other in related:
        found["reversal" if other.reversal_of_id == invoice.pk else "replacement"] = other
    return found


@organization_required
def purchase_attachment(request, pk: int):
    invoice = get_for_org_or_404(request, PurchaseInvoice, pk=pk)
    if not invoice.attachment:
        raise Http404
    extension = invoice.attachment.name.rsplit(".", 1)[-1]
    filename = f"{invoice.supplier_invoice_number}.{extension}"
    return _stream_file(invoice.attachment, invoice.attachment_type, filename, "attachment")


@organization_required
@require_POST
def purchase_mark_paid(request, pk: int):
    invoice = get_for_org_or_404(request, PurchaseInvoice, pk=pk)
    paid_on = _parse_date(request.POST.get("date")) or timezone.localdate()
    try:
        services.purchase_invoice_mark_paid(invoice=invoice, date=paid_on)
    except InvoicingError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The purchase invoice was marked as paid."))
    return redirect("invoicing:purchase_detail", pk=invoice.pk)

