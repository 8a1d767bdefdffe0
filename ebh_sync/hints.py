"""How to fix what e-Boekhouden refused: a hint per error code, in the user's language."""

from django.utils.translation import gettext_lazy as _

_CONFIGURE = _(
    "Choose an existing account under Settings > Connections > Configure link, then retry."
)
HINTS = {
    "CMUT001": _CONFIGURE,
    "CMUT001.1": _CONFIGURE,
    "CMUT012": _CONFIGURE,
    "CMUT015": _(
        "The creditors account must be a creditors ledger (e.g. 1600). Fix it under Configure link."
    ),
    "CMUT016": _(
        "The debtors account must be a debtors ledger (e.g. 1300). Fix it under Configure link."
    ),
    "CMUT004": _("The invoice date is outside what e-Boekhouden.nl accepts (1980-2049)."),
    "CMUT005": _("The booking has no description; retry, or contact support if it returns."),
    "CMUT006": _("A booking needs 1 to 100 lines; this invoice has too many VAT rates."),
    "CMUT010": _("The amounts do not add up (excl. + VAT = incl.). Contact support."),
    "CMUT010.1": _("The VAT does not match the rate. Check the VAT rates on the invoice."),
    "CMUT011": _("The VAT code does not fit this kind of booking. Check the VAT rate overrides."),
    "CMUT017": _("The relation is unknown in e-Boekhouden.nl. Retry: we create it first."),
    "CMUT025": _("The relation is unknown in e-Boekhouden.nl. Retry: we create it first."),
    "CMUT018": _(
        "This supplier's invoice number was booked already in e-Boekhouden.nl. "
        "Check it there; if it is a different invoice, correct the number."
    ),
    "CMUT019": _(
        "This invoice number exists already in e-Boekhouden.nl, booked by someone "
        "else. Check the booking there."
    ),
    "CMUT020": _("The period is closed in e-Boekhouden.nl. Reopen it there, then retry."),
    "CMUT033": _("e-Boekhouden.nl does not know this VAT code. Check the VAT rate overrides."),
    "CFACT025": _("The relation is unknown in e-Boekhouden.nl. Retry: we create it first."),
    "CFACT026": _(
        "This invoice number exists already in e-Boekhouden.nl, used by another invoice. "
        "Check the invoices there (Factureren > Facturen > Overzicht)."
    ),
    "CFACT027": _("Enter the invoice template under Settings > Connections > Configure link."),
    "CFACT028": _(
        "e-Boekhouden.nl has no invoice template with this name. Enter the exact name under "
        "Configure link, then retry."
    ),
    "CFACT029": _("Complete the email message, subject and sender under Configure link."),
    "CFACT030": _("Complete the email message, subject and sender under Configure link."),
    "CFACT031": _("Complete the email message, subject and sender under Configure link."),
    "CFACT042": _("e-Boekhouden.nl does not accept this VAT code on an invoice."),
    "CREL001": _("The relation code is already used in e-Boekhouden.nl by another relation."),
    "DATA": _("Complete the invoice's customer or supplier data, then retry."),
    "DUP": _("e-Boekhouden.nl holds this invoice more than once. Remove the extra booking there."),
    "DOUBT": _(
        "Search e-Boekhouden.nl for the invoice number (Boekhouden > Mutaties). Not there: "
        "choose 'Book it now'. There: choose 'Already booked' and enter its mutation number."
    ),
    "E003.1": _("The monthly limit of e-Boekhouden.nl look-ups is reached; we try again later."),
    "MUT0": _("e-Boekhouden.nl did not book the invoice. Check the description and retry."),
}
GENERIC = _("Check the invoice and the connection settings, then retry.")


def hint_for(code: str) -> str:
    return str(HINTS.get(code, GENERIC))
