"""The reminder letter: placeholders, their check, the default texts and the statutory
collection costs paragraph. The texts are the letter's own content in its own language (Dutch
or English, like the invoice), stored per organization; they are not interface strings."""

import datetime
import re
import string
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.identifiers import format_iban
from invoicing.models import ZERO, SalesInvoice
from invoicing.money import format_money

PLACEHOLDERS = {
    "number": _("invoice number"),
    "invoice_date": _("invoice date"),
    "due_date": _("due date"),
    "days_overdue": _("days past the due date"),
    "total": _("invoice total"),
    "amount_open": _("amount still open"),
    "iban": _("your IBAN"),
    "payment_reference": _("payment reference"),
    "customer": _("customer's contact person or name"),
    "company": _("your business name"),
    "collection_costs": _("the collection costs paragraph (last step, consumers only)"),
}


class PlaceholderError(ValueError):
    pass


def _fields(text: str) -> list[tuple[str, str | None]]:
    """(literal, placeholder or None) pieces; PlaceholderError on a broken or unknown one."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PlaceholderError(_("Braces { } must enclose a placeholder, like {number}.")) from exc
    pieces = []
    for literal, name, spec, conversion in parsed:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            raise PlaceholderError(
                _("Unknown placeholder {%(name)s}. You can use: %(known)s.")
                % {"name": name or "", "known": ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)})
        pieces.append((literal, name))
    return pieces


def check(text: str) -> None:
    _fields(text)


def fill(text: str, values: dict[str, str]) -> str:
    filled = "".join(literal + (values.get(name, "") if name else "")
                     for literal, name in _fields(text))
    return re.sub(r"\n{3,}", "\n\n", filled).strip()


def letter_language(invoice: SalesInvoice) -> str:
    return "nl" if invoice.language == "nl" else "en"


def open_amount(invoice: SalesInvoice):
    """What the customer still has to pay: the total less payments and credit notes."""
    return max(invoice.gross_total - invoice.amount_paid - invoice.amount_credited, ZERO)


def values(invoice: SalesInvoice, today: datetime.date) -> dict[str, str]:
    with translation.override(letter_language(invoice)):
        return {
            "number": invoice.number,
            "invoice_date": date_format(invoice.issue_date, "SHORT_DATE_FORMAT"),
            "due_date": date_format(invoice.due_date, "SHORT_DATE_FORMAT"),
            "days_overdue": str(max((today - invoice.due_date).days, 0)),
            "total": format_money(invoice.gross_total, invoice.currency),
            "amount_open": format_money(open_amount(invoice), invoice.currency),
            "iban": format_iban(invoice.seller.get("iban") or ""),
            "payment_reference": invoice.payment_reference or invoice.number,
            "customer": (invoice.buyer.get("contact_person") or invoice.buyer.get("name")
                         or invoice.customer.name),
            "company": invoice.seller.get("name") or invoice.organization.name,
        }


@dataclass(frozen=True)
class DefaultStep:
    days: int
    texts: dict[str, tuple[str, str]]


DEFAULT_STEPS = [
    DefaultStep(7, {
        "nl": ("Herinnering: factuur {number}",
               "Beste {customer},\n\nMisschien is het u ontschoten: factuur {number} van "
               "{invoice_date} had op {due_date} betaald moeten zijn. Er staat nog "
               "{amount_open} open.\n\nWilt u dit bedrag overmaken naar {iban} onder vermelding "
               "van {payment_reference}? Heeft u al betaald, dan kunt u deze herinnering als "
               "niet verzonden beschouwen. De factuur zit als bijlage bij deze e-mail.\n\n"
               "Met vriendelijke groet,\n{company}"),
        "en": ("Reminder: invoice {number}",
               "Dear {customer},\n\nPerhaps it slipped your mind: invoice {number} of "
               "{invoice_date} was due on {due_date}. {amount_open} is still open.\n\nPlease "
               "transfer this amount to {iban}, quoting {payment_reference}. If you have "
               "already paid, please disregard this reminder. The invoice is attached to this "
               "email.\n\nKind regards,\n{company}"),
    }),
    DefaultStep(21, {
        "nl": ("Tweede herinnering: factuur {number}",
               "Beste {customer},\n\nOndanks onze eerdere herinnering hebben we de betaling "
               "van factuur {number} nog niet ontvangen. De vervaldatum was {due_date}, "
               "{days_overdue} dagen geleden. Er staat nog {amount_open} open.\n\nWe vragen u "
               "het bedrag binnen 7 dagen over te maken naar {iban} onder vermelding van "
               "{payment_reference}. Klopt er iets niet aan de factuur, laat het ons dan "
               "weten.\n\nMet vriendelijke groet,\n{company}"),
        "en": ("Second reminder: invoice {number}",
               "Dear {customer},\n\nDespite our earlier reminder we have not yet received "
               "payment of invoice {number}. It was due on {due_date}, {days_overdue} days "
               "ago. {amount_open} is still open.\n\nPlease transfer the amount within 7 days "
               "to {iban}, quoting {payment_reference}. If anything about the invoice is not "
               "right, please let us know.\n\nKind regards,\n{company}"),
    }),
    DefaultStep(35, {
        "nl": ("Aanmaning: factuur {number}",
               "Beste {customer},\n\nFactuur {number} is ondanks onze herinneringen nog niet "
               "betaald. De vervaldatum was {due_date}; er staat nog {amount_open} open.\n\n"
               "We verzoeken u dringend het bedrag over te maken naar {iban} onder vermelding "
               "van {payment_reference}.\n\n{collection_costs}\n\nMet vriendelijke groet,\n"
               "{company}"),
        "en": ("Final notice: invoice {number}",
               "Dear {customer},\n\nDespite our reminders, invoice {number} has not been paid. "
               "It was due on {due_date}; {amount_open} is still open.\n\nWe urgently ask you "
               "to transfer the amount to {iban}, quoting {payment_reference}.\n\n"
               "{collection_costs}\n\nKind regards,\n{company}"),
    }),
]

# The "veertiendagenbrief" (art. 6:96 lid 6 BW): a consumer gets 14 days after receiving the
# letter before collection costs may be charged, at the statutory scale. No amount is computed.
COLLECTION_COSTS = {
    "nl": ("Betaalt u het openstaande bedrag van {amount_open} niet binnen 14 dagen, te rekenen "
           "vanaf de dag na ontvangst van deze aanmaning, dan brengen we buitengerechtelijke "
           "incassokosten in rekening. Die zijn vastgesteld volgens de wettelijke staffel van "
           "het Besluit vergoeding voor buitengerechtelijke incassokosten, met een minimum van "
           "€ 40."),
    "en": ("If you do not pay the open amount of {amount_open} within 14 days from the day after "
           "you receive this notice, we will charge extrajudicial collection costs. These are "
           "set by the statutory scale of the Dutch Decree on compensation for extrajudicial "
           "collection costs (Besluit vergoeding voor buitengerechtelijke incassokosten), with "
           "a minimum of €40."),
}


def collection_costs_text(language: str, values_: dict[str, str]) -> str:
    return fill(COLLECTION_COSTS[language], values_)
