"""The e-invoice of a finalized invoice or credit note, as a download."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from accounts.decorators import organization_required
from accounts.inputs import content_disposition
from accounts.tenancy import get_for_org_or_404
from einvoice.attachments import UBL_MIMETYPE
from einvoice.writer import invoice_ubl, ubl_filename, ubl_problem
from invoicing.models import SalesInvoice


@organization_required
def invoice_ubl_download(request, pk: int):
    invoice = get_for_org_or_404(
        request, SalesInvoice.objects.select_related("credited_invoice"), pk=pk)
    if invoice.is_draft:
        raise Http404
    problem = ubl_problem(invoice)
    if problem:
        messages.error(request, problem)
        return redirect("invoicing:invoice_detail", pk=invoice.pk)
    response = HttpResponse(invoice_ubl(invoice), content_type=UBL_MIMETYPE)
    response["Content-Disposition"] = content_disposition("attachment", ubl_filename(invoice))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
