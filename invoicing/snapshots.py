"""What finalizing freezes on a document beside its lines: the seller as the organization is
now and the texts the law asks for. The PDF's draft preview computes the same for a draft."""

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Organization
from invoicing.models import SalesInvoice
from invoicing.vat import sales_rate


def seller_snapshot(organization: Organization) -> dict:
    fields = ["name", "address", "postcode", "city", "country", "kvk_number", "vat_id",
              "iban", "bic", "email", "phone"]
    snapshot = {name: getattr(organization, name) for name in fields}
    snapshot["country"] = organization.country.code
    snapshot["logo"] = organization.logo.name if organization.logo else ""
    return snapshot


def legal_texts(invoice: SalesInvoice, rates: list[str]) -> list[str]:
    """The texts the law asks for, rendered in the invoice's own language."""
    with translation.override(invoice.language):
        texts = [str(sales_rate(r).legal_text) for r in rates if sales_rate(r).legal_text]
        original = invoice.credited_invoice
        if original is not None:
            texts.insert(0, _("Credit note for invoice %(number)s of %(date)s.") % {
                "number": original.number, "date": original.issue_date.strftime("%d-%m-%Y")})
    return list(dict.fromkeys(texts))
