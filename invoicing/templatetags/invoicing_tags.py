from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    """1.234,56 in Dutch, 1,234.56 in English; always two decimals (amounts are Decimal)."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(value):,.2f}"
    if (get_language() or "nl").startswith("nl"):
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    return f"{symbol} {text}" if symbol else text


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros: 2.000 -> 2, 1.500 -> 1,5 (Dutch)."""
    if value in (None, ""):
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}"
    if (get_language() or "nl").startswith("nl"):
        text = text.replace(".", ",")
    return text


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
