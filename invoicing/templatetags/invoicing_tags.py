from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from invoicing.models import DISPLAY_STATUS_LABELS
from invoicing.money import format_money, format_number, number_symbols

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    """1.234,56 in Dutch, 1,234.56 in English; always two decimals (amounts are Decimal)."""
    if value in (None, ""):
        return ""
    return format_money(Decimal(value), currency)


@register.filter
def unit_price(value, currency: str = "") -> str:
    """A unit price with its own decimals: two at least, up to the four it is stored with."""
    if value in (None, ""):
        return ""
    return format_money(Decimal(value), currency, max_places=4)


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros: 2.000 -> 2, 1.500 -> 1,5 (Dutch)."""
    if value in (None, ""):
        return ""
    return format_number(Decimal(value), places=0, max_places=3)


@register.simple_tag
def number_symbols_attrs() -> str:
    """The page language's separators for the editors' number parser (static/js/numbers.js)."""
    symbols = number_symbols()
    return format_html('data-decimal-symbol="{}" data-group-symbol="{}"',
                       symbols["decimal"], symbols["group"])


@register.filter
def percent(value) -> str:
    return quantity(value) + "%"


BADGES = {
    "draft": "badge-muted", "sent": "badge-info", "partly_paid": "badge-warning",
    "overdue": "badge-danger", "paid": "badge-success", "credited": "badge-muted",
    "received": "badge-info", "queued": "badge-muted", "failed": "badge-danger",
    "finalized": "badge-info", "open": "badge-info", "partly_credited": "badge-warning",
}


def _badge(state: str, label) -> dict:
    return {"state": state, "css": BADGES.get(state, "badge-muted"), "label": str(label)}


@register.inclusion_tag("invoicing/includes/status_badge.html")
def invoice_status(invoice, compact: bool = False):
    """The invoice's states as badges: draft or finalized (left out when ``compact``: a number
    says so in a list), then its payment state and a partial credit."""
    status = invoice.display_status()
    if status == "draft":
        return {"badges": [_badge("draft", DISPLAY_STATUS_LABELS["draft"])]}
    badges = [] if compact else [_badge("finalized", DISPLAY_STATUS_LABELS["finalized"])]
    if status != "finalized":
        badges.append(_badge(status, DISPLAY_STATUS_LABELS[status]))
    if invoice.is_partly_credited:
        badges.append(_badge("partly_credited", _("Partly credited")))
    return {"badges": badges}


@register.inclusion_tag("invoicing/includes/email_fact.html")
def invoice_email_fact(invoice, compact: bool = False):
    """"Emailed on <date> to <address>" or "Not emailed yet", for a finalized invoice."""
    if invoice.is_draft:
        return {"fact": None}
    return {"fact": invoice.email_fact(), "compact": compact}


@register.filter
def badge_class(status: str) -> str:
    return BADGES.get(status, "badge-muted")


@register.simple_tag
def exchange_rate_note(invoice) -> str:
    """"1 USD = 0,912300 EUR (ECB, 2-3-2026)": the rate the euro amounts use, and its origin."""
    text = _("1 %(currency)s = %(rate)s EUR") % {
        "currency": invoice.currency, "rate": number_format(invoice.exchange_rate, 6)}
    if invoice.exchange_rate_source == "ecb" and invoice.exchange_rate_date:
        return _("%(rate)s (ECB, %(date)s)") % {
            "rate": text, "date": date_format(invoice.exchange_rate_date, "j-n-Y")}
    if invoice.exchange_rate_source == "manual":
        return _("%(rate)s (own rate)") % {"rate": text}
    return text
