from decimal import Decimal

from django import template
from django.utils.html import format_html

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
}


@register.inclusion_tag("invoicing/includes/status_badge.html")
def invoice_status(invoice):
    status = invoice.display_status()
    return {"css": BADGES.get(status, "badge-muted"), "label": invoice.display_status_label()}


@register.filter
def badge_class(status: str) -> str:
    return BADGES.get(status, "badge-muted")
