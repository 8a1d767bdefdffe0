"""Function views of quotes in the app: check access, validate a form, call one service,
redirect. The public page (no login) is in public_views.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.decorators import organization_required, owner_required
from accounts.inputs import content_disposition, parse_id
from accounts.sending import email_send_refused
from accounts.tenancy import get_for_org_or_404
from invoicing.exports import tabular_response
from invoicing.forms import LineFormSet
from invoicing.models import Customer
from invoicing.views import line_editor_context, line_initial
from quotes import services
from quotes.forms import AnswerForm, QuoteForm, QuoteNumberingForm, SendForm
from quotes.models import Quote, QuoteStatus, default_valid_until
from quotes.pdf import render_draft_preview
from quotes.services import QuoteError

PAGE_SIZE = 25


def _error_messages(request, error: QuoteError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _filtered(request):
    quotes = Quote.objects.for_organization(request.organization)
    status = request.GET.get("status", "")
    if status in QuoteStatus.values:
        quotes = quotes.filter(status=status)
    customer = parse_id(request.GET.get("customer"))
    if customer is not None:
        quotes = quotes.filter(customer_id=customer)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        quotes = quotes.filter(Q(number__icontains=query) | Q(customer__name__icontains=query)
                               | Q(reference__icontains=query))
    return quotes.select_related("customer")


def _querystring(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@organization_required
def quote_list(request):
    quotes = _filtered(request)
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    customers = Customer.objects.for_organization(request.organization).only("id", "name")
    context = {"page": page, "customers": customers, "statuses": QuoteStatus.choices,
               "filters": request.GET, "querystring": _querystring(request),
               "export_query": _querystring(request, ("page", "format"))}
    return render(request, "quotes/quote_list.html", context)


EXPORT_HEADER = (_lazy("Number"), _lazy("Quote date"), _lazy("Valid until"),
                 _lazy("Customer"), _lazy("Status"), _lazy("Your reference"),
                 _lazy("Excl. VAT"), _lazy("VAT"), _lazy("Incl. VAT"),
                 _lazy("Accepted or declined by"), _lazy("Invoice"))


def _export_row(quote: Quote) -> tuple:
    invoice = quote.converted_invoice
    return (quote.number or _("Draft"), quote.issue_date, quote.valid_until, quote.customer.name,
            quote.get_status_display(), quote.reference, quote.net_total, quote.vat_total,
            quote.gross_total, quote.response_name,
            (invoice.number or _("Draft")) if invoice else "")


@organization_required
def quote_export(request):
    """The list as it is filtered, as CSV or XLSX (?format=csv|xlsx)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    quotes = _filtered(request).select_related("converted_invoice")
    header = [str(name) for name in EXPORT_HEADER]
    return tabular_response(fmt, _("quotes"), header, (_export_row(q) for q in quotes.iterator()))


def _editor(request, quote: Quote | None):
    organization = request.organization
    data = request.POST if request.method == "POST" else None
    form = QuoteForm(data, instance=quote, organization=organization,
                     initial=_initial(request, quote))
    formset = LineFormSet(data, prefix="lines", initial=line_initial(quote),
                          form_kwargs={"organization": organization})
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            quote = services.quote_save_draft(quote=form.save(commit=False),
                                              organization=organization,
                                              lines=formset.line_data())
        except (QuoteError, ValueError) as error:
            form.add_error(None, ValidationError(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The draft quote was saved."))
            return redirect("quotes:quote_detail", pk=quote.pk)
    # Quote lines carry no cost centre: nothing of a quote is booked.
    context = {"form": form, "formset": formset, "quote": quote,
               **line_editor_context(organization), "has_cost_centres": False}
    return render(request, "quotes/quote_form.html", context)


def _initial(request, quote):
    if quote is not None:
        return {}
    organization = request.organization
    initial = {"issue_date": timezone.localdate(), "valid_until": default_valid_until(),
               "language": organization.default_language}
    customer = Customer.objects.for_organization(organization).filter(
        pk=parse_id(request.GET.get("customer")) or 0).first()
    if customer is not None:
        initial.update(customer=customer, language=customer.language)
    return initial


@organization_required
def quote_create(request):
    return _editor(request, None)


@organization_required
def quote_edit(request, pk: int):
    quote = get_for_org_or_404(request, Quote, pk=pk)
    if not quote.is_draft:
        messages.error(request, _("Only draft quotes can be edited."))
        return redirect("quotes:quote_detail", pk=quote.pk)
    return _editor(request, quote)


@organization_required
def quote_detail(request, pk: int):
    quote = get_for_org_or_404(
        request, Quote.objects.select_related("customer", "converted_invoice", "responded_by"),
        pk=pk)
    return _render_detail(request, quote)


def _render_detail(request, quote: Quote, send_form: SendForm | None = None,
                   status: int = 200) -> HttpResponse:
    context = {
        "quote": quote, "lines": quote.lines.all(), "vat_totals": quote.vat_totals.all(),
        "emails": quote.emails.all(), "answer_form": AnswerForm(),
        "send_form": send_form or SendForm(initial={
            "to": quote.buyer.get("email") or quote.customer.email,
            "message": services.default_email_message(quote)}),
    }
    return render(request, "quotes/quote_detail.html", context, status=status)


@organization_required
@require_POST
def quote_delete(request, pk: int):
    quote = get_for_org_or_404(request, Quote, pk=pk)
    try:
        services.quote_delete_draft(quote=quote)
    except QuoteError as error:
        _error_messages(request, error)
        return redirect("quotes:quote_detail", pk=quote.pk)
    messages.success(request, _("The draft quote was deleted."))
    return redirect("quotes:quote_list")


@organization_required
@require_POST
def quote_send(request, pk: int):
    quote = get_for_org_or_404(request, Quote, pk=pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid email address."))
        return redirect("quotes:quote_detail", pk=quote.pk)
    status = email_send_refused(request)
    if status:
        return _render_detail(request, quote, send_form=form, status=status)
    try:
        quote = services.quote_send(quote=quote, user=request.user, **form.cleaned_data)
    except QuoteError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Quote %(number)s is on its way to %(to)s.")
                         % {"number": quote.number, "to": form.cleaned_data["to"]})
    return redirect("quotes:quote_detail", pk=quote.pk)


@organization_required
@require_POST
def quote_answer(request, pk: int):
    """The customer's answer registered in the app (they said so by phone or mail)."""
    quote = get_for_org_or_404(request, Quote, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Accept or Decline."))
        return redirect("quotes:quote_detail", pk=quote.pk)
    try:
        services.quote_respond(quote=quote, accept=form.accepts, name=form.cleaned_data["name"],
                               remark=form.cleaned_data["remark"], user=request.user)
    except QuoteError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The quote was marked as accepted.") if form.accepts
                         else _("The quote was marked as declined."))
    return redirect("quotes:quote_detail", pk=quote.pk)


@organization_required
@require_POST
def quote_revoke(request, pk: int):
    quote = get_for_org_or_404(request, Quote, pk=pk)
    try:
        services.quote_revoke_link(quote=quote)
    except QuoteError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The link was revoked: it no longer opens the quote."))
    return redirect("quotes:quote_detail", pk=quote.pk)


@organization_required
@require_POST
def quote_convert(request, pk: int):
    quote = get_for_org_or_404(request, Quote, pk=pk)
    try:
        invoice = services.quote_convert(quote=quote, user=request.user)
    except QuoteError as error:
        _error_messages(request, error)
        return redirect("quotes:quote_detail", pk=quote.pk)
    messages.success(request, _("A draft invoice was made from quote %(number)s. Check it and "
                                "finalize it.") % {"number": quote.number})
    return redirect("invoicing:invoice_detail", pk=invoice.pk)


def pdf_response(quote: Quote, disposition: str = "attachment") -> HttpResponse:
    """The stored PDF of a sent quote, or a draft's preview (never stored)."""
    if quote.is_draft:
        response = HttpResponse(render_draft_preview(quote), content_type="application/pdf")
        filename = "preview.pdf"
    elif quote.pdf:
        response = FileResponse(quote.pdf.open("rb"), content_type="application/pdf")
        filename = quote.number + ".pdf"
    else:
        raise Http404
    response["Content-Disposition"] = content_disposition(disposition, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@organization_required
def quote_pdf(request, pk: int):
    quote = get_for_org_or_404(request, Quote.objects.select_related("organization", "customer"),
                               pk=pk)
    return pdf_response(quote, "inline" if quote.is_draft else "attachment")


@owner_required
def numbering_settings(request):
    organization, today = request.organization, timezone.localdate()
    year = services.quote_series_year(organization=organization, issue_date=today)
    counter = services.organization_counter(organization, year)
    form = QuoteNumberingForm(request.POST or None, initial={
        "number_format": organization.quote_number_format,
        "next_number": counter.next_value if counter else 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_quote_numbering(organization=organization, today=today,
                                         number_format=form.cleaned_data["number_format"],
                                         next_value=form.cleaned_data["next_number"])
        except ValueError:
            form.add_error("next_number", _("This quote number is already in use."))
        else:
            messages.success(request, _("The quote numbering was saved."))
            return redirect("quotes:numbering_settings")
    example = services.peek_next_quote_number(organization=organization, today=today)
    return render(request, "quotes/numbering_settings.html", {"form": form, "example": example})
