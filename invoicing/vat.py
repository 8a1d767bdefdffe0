"""VAT rates of sales and purchase lines, and the one fact the accounting link needs from
them: the e-Boekhouden BTW code (``ebh_code``). Nothing else here knows about accounting.

A rate is stored on a line by its short ``code``. The legal text is the wording Dutch law
requires on the invoice for that rate (reverse charge, ICP); it is rendered in the invoice's
language and frozen on the invoice when it is finalized."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as vat_ids

# EU member states as python-stdnum keeps them for VAT ids (ISO 3166 alpha-2, Greece as GR);
# "XI" (Northern Ireland, goods only) is a VAT prefix, not a country a customer lives in.
EU_COUNTRIES = frozenset(code.upper() for code in vat_ids.MEMBER_STATES if code != "xi")


class VatRate(models.TextChoices):
    """VAT rates of a sales invoice line."""

    HIGH = "21", _("21% VAT")
    LOW = "9", _("9% VAT")
    ZERO = "0", _("0% VAT")
    EXEMPT = "exempt", _("Exempt from VAT")
    REVERSE_CHARGE = "reverse", _("VAT reverse charged")
    ICP_GOODS = "icp_goods", _("Intra-Community supply of goods")
    ICP_SERVICES = "icp_services", _("Intra-Community supply of services")
    EXPORT = "export", _("Export outside the EU")


class PurchaseVatRate(models.TextChoices):
    """VAT rates of a received (purchase) invoice line."""

    HIGH = "21", _("21% VAT")
    LOW = "9", _("9% VAT")
    NONE = "0", _("No VAT (0% or exempt)")
    REVERSE_CHARGE = "reverse", _("VAT reverse charged to us")
    EU = "eu", _("Purchase from inside the EU")
    NON_EU = "non_eu", _("Purchase from outside the EU")


@dataclass(frozen=True)
class RateInfo:
    percentage: Decimal
    ebh_code: str
    legal_text: Promise | None = None
    buyer_vat_id_required: bool = False
    # Where the buyer must be for the rate to be lawful: "eu_abroad", "non_eu" or None.
    buyer_location: str | None = None


SALES_RATES: dict[str, RateInfo] = {
    VatRate.HIGH: RateInfo(Decimal("21"), "HOOG_VERK_21"),
    VatRate.LOW: RateInfo(Decimal("9"), "LAAG_VERK_9"),
    VatRate.ZERO: RateInfo(Decimal("0"), "GEEN"),
    VatRate.EXEMPT: RateInfo(
        Decimal("0"), "GEEN", _("Exempt from VAT under article 11 of the Dutch VAT Act 1968")
    ),
    VatRate.REVERSE_CHARGE: RateInfo(
        Decimal("0"), "VERL_VERK", _("VAT reverse charged (btw verlegd)"), True
    ),
    VatRate.ICP_GOODS: RateInfo(
        Decimal("0"),
        "BI_EU_VERK",
        _("Intra-Community supply, article 138(1) Directive 2006/112/EC"),
        True,
        "eu_abroad",
    ),
    VatRate.ICP_SERVICES: RateInfo(
        Decimal("0"),
        "BI_EU_VERK_D",
        _("Intra-Community services, VAT reverse charged (article 196 Directive 2006/112/EC)"),
        True,
        "eu_abroad",
    ),
    VatRate.EXPORT: RateInfo(
        Decimal("0"), "BU_EU_VERK", _("Export outside the EU, 0% VAT"), False, "non_eu"
    ),
}

PURCHASE_RATES: dict[str, RateInfo] = {
    PurchaseVatRate.HIGH: RateInfo(Decimal("21"), "HOOG_INK_21"),
    PurchaseVatRate.LOW: RateInfo(Decimal("9"), "LAAG_INK_9"),
    PurchaseVatRate.NONE: RateInfo(Decimal("0"), "GEEN"),
    PurchaseVatRate.REVERSE_CHARGE: RateInfo(Decimal("0"), "VERL_INK"),
    PurchaseVatRate.EU: RateInfo(Decimal("0"), "BI_EU_INK"),
    PurchaseVatRate.NON_EU: RateInfo(Decimal("0"), "BU_EU_INK"),
}


def sales_rate(code: str) -> RateInfo:
    """The facts of a sales rate; KeyError for an unknown code (forms reject those first)."""
    return SALES_RATES[VatRate(code)]


def purchase_rate(code: str) -> RateInfo:
    return PURCHASE_RATES[PurchaseVatRate(code)]


def ebh_sales_code(code: str) -> str:
    return sales_rate(code).ebh_code


def ebh_purchase_code(code: str) -> str:
    return purchase_rate(code).ebh_code


# Older e-Boekhouden codes that mean a current rate (LAAG_VERK is 9% since 2019).
_LEGACY_SALES_CODES = {"LAAG_VERK": VatRate.LOW}


def sales_rate_for_ebh_code(ebh_code: str, percentage: Decimal) -> str | None:
    """The sales rate of an e-Boekhouden BTW code (plain GEEN is 0%, not exempt); for an
    unknown code the rate with this percentage, if it is 21, 9 or 0; else None."""
    for code, info in SALES_RATES.items():
        if info.ebh_code == ebh_code.strip().upper():
            return str(code)
    if ebh_code.strip().upper() in _LEGACY_SALES_CODES:
        return str(_LEGACY_SALES_CODES[ebh_code.strip().upper()])
    by_percentage = {Decimal("21"): VatRate.HIGH, Decimal("9"): VatRate.LOW,
                     Decimal("0"): VatRate.ZERO}
    rate = by_percentage.get(percentage)
    return str(rate) if rate is not None else None
