"""The e-invoice beside the PDF in an invoice's email, for customers who want it."""

import logging

from einvoice.writer import invoice_ubl, ubl_filename, ubl_problem
from invoicing.models import SalesInvoice

logger = logging.getLogger(__name__)
UBL_MIMETYPE = "application/xml"


def ubl_attachments(invoice: SalesInvoice) -> list[tuple[str, bytes, str]]:
    """[(filename, UBL, mimetype)] when the customer wants the e-invoice and the invoice has
    one; else [] (the email still leaves with its PDF)."""
    if not invoice.customer.send_ubl:
        return []
    problem = ubl_problem(invoice)
    if problem:
        logger.warning("invoice %s is emailed without its e-invoice: %s", invoice.pk, problem)
        return []
    return [(ubl_filename(invoice), invoice_ubl(invoice), UBL_MIMETYPE)]
