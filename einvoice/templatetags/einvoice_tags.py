from django import template

from einvoice.writer import ubl_problem

register = template.Library()


@register.inclusion_tag("einvoice/_download.html")
def ubl_download(invoice) -> dict:
    """The invoice page's "UBL (e-invoice)" button, for an invoice that has one."""
    return {"invoice": invoice, "available": not invoice.is_draft and not ubl_problem(invoice)}
