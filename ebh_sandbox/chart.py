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


LOW_RATE_9_FROM = dt.date(2019, 1, 1)  # the low rate went from 6 % to 9 %
HIGH_RATE_21_FROM = dt.date(2012, 10, 1)  # the high rate went from 19 % to 21 %
ZERO = Decimal(0)


@dataclass(frozen=True)
class VatCode:
    """A BTW code and the percentages a line with it may carry (see :meth:`fits`).

    ``rule`` says how the percentage follows from the code (SOAP_API.md §5.3):
    ``fixed`` exactly ``percentage``; ``high_old`` 19 % before 2012-10-01, 21 % from then;
    ``low_old`` 6 % and only before 2019-01-01; ``low_9`` 9 % and only from 2019-01-01;
    ``zero`` percentage 0 and VAT 0; ``self_assessed`` (purchase reverse charge) either 0 % with
    VAT 0 or ``percentage`` with its VAT; ``free`` any percentage (AFW, AFW_VERK).
    """

    code: str
    side: str  # "sales", "purchase" or "any"
    rule: str
    percentage: Decimal = ZERO

    def rate_on(self, date: dt.date) -> Decimal:
        """The percentage the invoicing module (AddFactuur) applies on ``date``."""
        if self.rule == "high_old":
            return Decimal(19) if date < HIGH_RATE_21_FROM else Decimal(21)
        if self.rule == "low_old":
            return Decimal(6) if date < LOW_RATE_9_FROM else Decimal(9)
        return ZERO if self.rule in ("zero", "free") else self.percentage

    def fits(self, pct: Decimal, btw: Decimal, date: dt.date) -> bool:
        """Whether a line with this code may carry ``pct`` and VAT ``btw`` on ``date``."""
        if self.rule == "free":
            return True
        if self.rule == "zero":
            return pct == 0 and btw == 0
        if self.rule == "self_assessed":  # a 0 % own rate (BI_EU_INK, BU_EU_INK): 0/0 only
            return (pct == 0 and btw == 0) or (self.percentage != 0 and pct == self.percentage)
        if self.rule == "low_old":
            return pct == 6 and date < LOW_RATE_9_FROM
        if self.rule == "low_9":
            return pct == 9 and date >= LOW_RATE_9_FROM
        return pct == self.rate_on(date)

    def valid_on(self, date: dt.date) -> bool:
        """Whether the percentage this code implies on ``date`` is allowed (AddFactuur)."""
        return self.fits(self.rate_on(date), ZERO, date)


def _vat(code: str, side: str, rule: str, pct: int = 0) -> VatCode:
    return VatCode(code, side, rule, Decimal(pct))


VAT_CODES: dict[str, VatCode] = {
    vat.code: vat
    for vat in (
        _vat("HOOG_VERK", "sales", "high_old"),
        _vat("HOOG_VERK_21", "sales", "fixed", 21),
        _vat("LAAG_VERK", "sales", "low_old"),
        _vat("LAAG_VERK_9", "sales", "low_9", 9),
        _vat("VERL_VERK_L9", "sales", "zero"),
        _vat("VERL_VERK", "sales", "zero"),
        _vat("AFW", "any", "free"),
        _vat("AFW_VERK", "sales", "free"),
        _vat("BU_EU_VERK", "sales", "zero"),
        _vat("BI_EU_VERK", "sales", "zero"),
        _vat("BI_EU_VERK_D", "sales", "zero"),
        _vat("AFST_VERK", "sales", "zero"),
        _vat("LAAG_INK", "purchase", "low_old"),
        _vat("LAAG_INK_9", "purchase", "low_9", 9),
        _vat("VERL_INK_L9", "purchase", "self_assessed", 9),
        _vat("HOOG_INK", "purchase", "high_old"),
        _vat("HOOG_INK_21", "purchase", "fixed", 21),
        _vat("VERL_INK", "purchase", "self_assessed", 21),
        _vat("BU_EU_INK", "purchase", "self_assessed", 0),
        _vat("BI_EU_INK", "purchase", "self_assessed", 0),
        _vat("GEEN", "any", "zero"),
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
