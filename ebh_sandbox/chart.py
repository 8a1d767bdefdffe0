"""Seed data of a new administration and the VAT code list (SOAP_API.md §5.3, §5.6, §5.7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

# (code, omschrijving, categorie, groep): a small standard Dutch chart of accounts.
LEDGERS: tuple[tuple[str, str, str, str], ...] = (
    ("0100", "Inventaris", "BAL", "Vaste activa"),
    ("0130", "Voorraad", "BAL", "Vlottende activa"),
    ("0500", "Eigen vermogen", "BAL", "Eigen vermogen"),
    ("1000", "Kas", "FIN", "Liquide middelen"),
    ("1010", "Bank", "FIN", "Liquide middelen"),
    ("1100", "Spaarrekening", "FIN", "Liquide middelen"),
    ("1300", "Debiteuren", "DEB", "Vorderingen"),
    ("1400", "Prive", "BAL", "Eigen vermogen"),
    ("1500", "Af te dragen BTW hoog", "AF19", "BTW"),
    ("1510", "Af te dragen BTW laag", "AF6", "BTW"),
    ("1520", "Af te dragen BTW overig", "AFOVERIG", "BTW"),
    ("1530", "Voorbelasting", "VOOR", "BTW"),
    ("1540", "BTW rekening-courant", "BTWRC", "BTW"),
    ("1600", "Crediteuren", "CRED", "Schulden"),
    ("4000", "Algemene kosten", "VW", "Kosten"),
    ("4100", "Huisvestingskosten", "VW", "Kosten"),
    ("4500", "Autokosten", "VW", "Kosten"),
    ("7000", "Inkoopwaarde van de omzet", "VW", "Inkoop"),
    ("8000", "Omzet hoog tarief", "VW", "Omzet"),
    ("8010", "Omzet laag tarief", "VW", "Omzet"),
    ("8100", "Omzet vrijgesteld", "VW", "Omzet"),
    ("8140", "Omzet binnen de EU", "VW", "Omzet"),
)

# (code, omschrijving, groep_code, groep_omschrijving, eenheid, inkoop, verkoop_excl,
#  btw_code, tegenrekening)
ARTICLES: tuple[tuple[str, str, str, str, str, str, str, str, str], ...] = (
    ("ADV-UUR", "Adviesuur", "DIENST", "Diensten", "uur", "0.00", "75.00", "HOOG_VERK_21",
     "8000"),
    ("BOEK-01", "Handboek boekhouden", "PROD", "Producten", "stuk", "12.50", "24.95",
     "LAAG_VERK_9", "8010"),
    ("VERZEND", "Verzendkosten", "DIENST", "Diensten", "stuk", "4.10", "6.95", "HOOG_VERK_21",
     "8000"),
)

# (id, omschrijving, parent_id)
COST_CENTRES: tuple[tuple[int, str, int], ...] = ((1, "Algemeen", 0), (2, "Webwinkel", 1))

TEMPLATES = ("Standaard", "Zakelijk")


@dataclass(frozen=True)
class VatCode:
    code: str
    side: str  # "sales", "purchase" or "any"
    percentage: Decimal | None  # None: the rate depends on the date (LAAG_*) or is free (AFW*)
    low_rate: bool = False  # LAAG_*: 6 % before 2019-01-01, 9 % from then on

    def rate_on(self, date: dt.date) -> Decimal:
        if self.low_rate:
            return Decimal(6) if date < dt.date(2019, 1, 1) else Decimal(9)
        return self.percentage if self.percentage is not None else Decimal(0)


def _vat(code: str, side: str, pct: int | None, *, low: bool = False) -> VatCode:
    return VatCode(code, side, None if pct is None else Decimal(pct), low)


VAT_CODES: dict[str, VatCode] = {
    vat.code: vat
    for vat in (
        _vat("HOOG_VERK", "sales", 19),
        _vat("HOOG_VERK_21", "sales", 21),
        _vat("LAAG_VERK", "sales", None, low=True),
        _vat("LAAG_VERK_9", "sales", 9),
        _vat("VERL_VERK_L9", "sales", 0),
        _vat("VERL_VERK", "sales", 0),
        _vat("AFW", "any", None),
        _vat("AFW_VERK", "sales", None),
        _vat("BU_EU_VERK", "sales", 0),
        _vat("BI_EU_VERK", "sales", 0),
        _vat("BI_EU_VERK_D", "sales", 0),
        _vat("AFST_VERK", "sales", 0),
        _vat("LAAG_INK", "purchase", None, low=True),
        _vat("LAAG_INK_9", "purchase", 9),
        _vat("VERL_INK_L9", "purchase", 9),
        _vat("HOOG_INK", "purchase", 21),
        _vat("HOOG_INK_21", "purchase", 21),
        _vat("VERL_INK", "purchase", 21),
        _vat("BU_EU_INK", "purchase", 0),
        _vat("BI_EU_INK", "purchase", 0),
        _vat("GEEN", "any", 0),
    )
}


def vat_ledger_category(vat: VatCode, kind_side: str) -> str:
    """Which VAT ledger category a line's VAT amount is booked on (L: accounting standard)."""
    side = vat.side if vat.side != "any" else kind_side
    if side == "purchase":
        return "VOOR"
    if vat.code.startswith("HOOG"):
        return "AF19"
    if vat.code.startswith("LAAG"):
        return "AF6"
    return "AFOVERIG"
