"""How identifiers and countries print: an IBAN in groups of four, a country by its name in
the active language (a PDF renders under its document's language)."""

from django import template

from accounts.identifiers import country_name as _country_name
from accounts.identifiers import format_iban

register = template.Library()


@register.filter
def country_name(code) -> str:
    return _country_name(str(code or ""))


@register.filter
def iban(value) -> str:
    return format_iban(str(value or ""))
