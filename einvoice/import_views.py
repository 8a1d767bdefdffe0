"""Purchase invoices from a supplier's e-invoice: upload the file, check the prefilled
purchase invoice, register it (function views: check access, validate, call one service)."""

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import organization_required
from accounts.tenancy import get_for_org_or_404
from einvoice import services
from einvoice.forms import EInvoicePurchaseForm, EInvoiceUploadForm, NewSupplierForm
from einvoice.models import ReceivedEInvoice
from einvoice.proposals import Proposal
from einvoice.reader import EInvoiceError
from invoicing.extensions import cost_centre_choices, ledger_choices
from invoicing.forms import PurchaseLineFormSet, printed_vat_field_name
from invoicing.services import InvoicingError
from invoicing.vat import PURCHASE_RATES


def _posted(request):
    """(POST, FILES), or (None, None) with a message when the request is too large to read."""
    if request.method != "POST":
        return None, None
    try:
        return request.POST, request.FILES
    except (TooManyFieldsSent, RequestDataTooBig):
        messages.error(request, _("The form was too large to process: at most 500 lines and "
                                  "5 MB of text, uploads at most 10 MB."))
        return None, None


def _error_messages(request, error: Exception) -> None:
    for text in getattr(error, "messages", [str(error)]):
        messages.error(request, text)


@organization_required
def import_upload(request):
    data, files = _posted(request)
    form = EInvoiceUploadForm(data, files)
    if data is not None and form.is_valid():
        try:
            received = services.einvoice_receive(
                organization=request.organization, upload=form.cleaned_data["file"],
                user=request.user)
        except EInvoiceError as error:
            for text in error.messages:
                form.add_error("file", text)
        else:
            return redirect("einvoice:import_check", pk=received.pk)
    return render(request, "einvoice/import_upload.html", {"form": form})


def _header_initial(proposal: Proposal) -> dict:
    document = proposal.document
    initial = {
        "supplier": proposal.supplier.pk if proposal.supplier else None,
        "create_supplier": proposal.supplier is None,
        "supplier_invoice_number": document.number, "invoice_date": document.issue_date,
        "due_date": proposal.due_date, "description": proposal.description,
    }
    initial.update({printed_vat_field_name(rate): vat
                    for rate, vat in proposal.printed_vat.items()})
    return initial


def _lines_initial(proposal: Proposal) -> list[dict]:
    return [{"description": line.description, "net_amount": line.net_amount,
             "vat_rate": line.vat_rate} for line in proposal.lines]


def _forms(request, data, proposal: Proposal):
    organization = request.organization
    form = EInvoicePurchaseForm(data, organization=organization,
                                initial=_header_initial(proposal))
    formset = PurchaseLineFormSet(
        data, prefix="lines", initial=_lines_initial(proposal) if data is None else None,
        form_kwargs={"ledger_choices": ledger_choices(organization, "purchase"),
                     "cost_centre_choices": cost_centre_choices(organization)})
    supplier_form = NewSupplierForm(data, prefix="supplier", instance=proposal.new_supplier)
    return form, formset, supplier_form


def _valid(form, formset, supplier_form) -> bool:
    valid = form.is_valid() & formset.is_valid()
    return valid and (not form.creates_supplier() or supplier_form.is_valid())


@organization_required
def import_check(request, pk: int):
    """The purchase invoice the e-invoice proposes, for the user to check and register."""
    received = get_for_org_or_404(request, ReceivedEInvoice, pk=pk)
    if received.purchase_id is not None:
        messages.info(request, _("This e-invoice has already been registered."))
        return redirect("invoicing:purchase_detail", pk=received.purchase_id)
    try:
        proposal = services.einvoice_proposal(received=received)
    except EInvoiceError as error:  # e.g. the organization's own VAT id changed since
        _error_messages(request, error)
        return redirect("einvoice:import_upload")
    data, _files = _posted(request)
    form, formset, supplier_form = _forms(request, data, proposal)
    if data is not None and _valid(form, formset, supplier_form):
        try:
            invoice = services.einvoice_register(
                received=received, data=form.purchase_data(formset.line_data()), user=request.user,
                new_supplier=supplier_form.save(commit=False) if form.creates_supplier() else None)
        except (EInvoiceError, InvoicingError, ValidationError) as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The purchase invoice was registered."))
            return redirect("invoicing:purchase_detail", pk=invoice.pk)
    return render(request, "einvoice/import_check.html", {
        "received": received, "proposal": proposal, "document": proposal.document,
        "form": form, "formset": formset, "supplier_form": supplier_form,
        "rates": {str(rate): str(info.percentage) for rate, info in PURCHASE_RATES.items()},
        "has_cost_centres": "cost_centre" in formset.empty_form.fields,
    })
