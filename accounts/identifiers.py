"""Bank accounts, VAT ids and postcodes: checked by python-stdnum, stored in their compact form
and printed formatted. Countries are ISO codes (django-countries knows their names)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from stdnum import bic, get_cc_module, iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as nl_postcode
from stdnum.util import clean

# The VAT prefix differs from the ISO code for Greece only (Northern Ireland's XI is no country).
VAT_PREFIX = {"GR": "EL"}
EU_VAT_PREFIXES = {code.upper() for code in eu_vat.MEMBER_STATES} | {"EL"}


def validate_iban(value: str) -> None:
    if value and not iban.is_valid(value):
        raise ValidationError(
            _("This is not a valid IBAN: check the number, e.g. NL91 ABNA 0417 1643 00."),
            code="invalid_iban")


def validate_bic(value: str) -> None:
    if value and not bic.is_valid(value):
        raise ValidationError(_("This is not a valid BIC, e.g. ABNANL2A."), code="invalid_bic")


def compact_iban(value: str) -> str:
    return iban.compact(value) if value else ""


def compact_bic(value: str) -> str:
    return bic.compact(value) if value else ""


def normalize_vat_id(value: str, country: str) -> str:
    """The compact VAT id ("NL004495445B01"), checked with the rules of its country: an EU id by
    its prefix (added when the user left it out), another country's where stdnum knows them."""
    number = clean(value or "", " -./,").upper().strip()
    if not number:
        return ""
    country = str(country or "").upper()
    prefix = VAT_PREFIX.get(country, country)
    if number[:2] not in EU_VAT_PREFIXES and prefix in EU_VAT_PREFIXES:
        number = prefix + number
    try:
        if number[:2] in EU_VAT_PREFIXES:
            return eu_vat.validate(number)
        module = get_cc_module(country.lower(), "vat") if country else None
        return module.validate(number) if module else number
    except StdnumError as exc:
        raise ValidationError(
            _("This is not a valid VAT id for %(country)s, e.g. NL004495445B01.")
            % {"country": countries.name(number[:2]) or country or "?"},
            code="invalid_vat_id") from exc


def normalize_postcode(value: str, country: str) -> str:
    """A Dutch postcode as "1234 AB"; other countries' postcodes as typed."""
    value = (value or "").strip()
    if not value or str(country or "").upper() != "NL":
        return value
    try:
        return nl_postcode.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("A Dutch postcode is four digits and two letters, e.g. 1234 AB."),
            code="invalid_postcode") from exc


def normalize_party_fields(obj) -> None:
    """Store the postcode, VAT id, IBAN (and BIC) of a customer, supplier or organization in
    their normalized forms; every field that does not pass is reported at once."""
    errors = {}
    for name, normalize in (("postcode", normalize_postcode), ("vat_id", normalize_vat_id)):
        try:
            setattr(obj, name, normalize(getattr(obj, name), obj.country))
        except ValidationError as exc:
            errors[name] = exc
    obj.iban = compact_iban(obj.iban)
    if hasattr(obj, "bic"):
        obj.bic = compact_bic(obj.bic)
    if errors:
        raise ValidationError(errors)


def format_iban(value: str) -> str:
    return iban.format(value) if value and iban.is_valid(value) else value or ""


def country_name(code: str) -> str:
    """The country's name in the active language, or the stored text when it is no ISO code."""
    return countries.name(code) or code or ""
