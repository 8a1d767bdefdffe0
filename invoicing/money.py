"""Money arithmetic. Every amount is a Decimal and every rounding goes through
``round_money``: ROUND_HALF_UP to whole cents (0.005 -> 0.01, -0.005 -> -0.01: half away from
zero, so a credit note is the exact negation of its invoice).

How an invoice is computed (the way e-Boekhouden checks it, SOAP_API.md section 7):

* line net   = round_money(quantity x unit price x (1 - discount%/100))
* line VAT   = round_money(line net x rate%)  -- shown per line, informative only
* per rate   : net = sum of the line nets; VAT = round_money(net x rate%) on that total;
               gross = net + VAT.  The invoice's VAT is the sum of the per-rate VAT, so it can
               differ by a cent from the sum of the line VATs; the per-rate figure is the legal one.
* in euros   : net_eur = round_money(net x exchange rate); VAT_eur = round_money(net_eur x
               rate%); gross_eur = net_eur + VAT_eur (per rate, then summed). The VAT in euros
               is thus again "VAT on the rate total", which is what gets booked.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import NumberFormatError, format_decimal, get_decimal_symbol, get_group_symbol
from babel.numbers import parse_decimal as babel_parse_decimal
from django.conf import settings
from django.utils.translation import get_language, to_locale

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    """Round to cents, half up (away from zero). The only rounding of money amounts."""
    if not isinstance(value, Decimal):
        raise TypeError("round_money takes a Decimal, never a float")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def number_locale(language: str | None = None) -> str:
    """Babel's locale for a Django language code; the active language by default."""
    return to_locale(language or get_language() or settings.LANGUAGE_CODE)


def number_symbols(locale: str | None = None) -> dict[str, str]:
    """The decimal and group separators of a locale (the editors' script parses with them)."""
    locale = locale or number_locale()
    return {"decimal": get_decimal_symbol(locale), "group": get_group_symbol(locale)}


def parse_decimal(value, *, locale: str | None = None) -> Decimal:
    """A Decimal from what a person typed, read the way the page's language writes numbers:
    "1.234,56" and "1.000" (one thousand) in Dutch, "1,234.56" in English. Babel's strict
    mode refuses a group separator in the wrong place ("12.50" in Dutch), so an ambiguous
    number is never silently read as another one. ValueError for anything else."""
    if isinstance(value, float):
        raise TypeError("money never passes through float")
    if isinstance(value, Decimal | int):
        return _finite(Decimal(value), value)
    text = str(value).strip()
    # Exponents, NaN and Infinity are no numbers a person types on an invoice.
    if not text or any(char.isalpha() for char in text):
        raise ValueError(f"not a number: {value!r}")
    try:
        return _finite(babel_parse_decimal(text, locale=locale or number_locale(), strict=True),
                       value)
    except NumberFormatError as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def _finite(result: Decimal, value) -> Decimal:
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def format_number(value: Decimal, *, places: int = 2, max_places: int | None = None,
                  grouping: bool = True, locale: str | None = None) -> str:
    """A number the way the language writes it: at least ``places`` decimals, at most
    ``max_places`` (rounded half up); 1.234,50 in Dutch, 1,234.50 in English."""
    max_places = places if max_places is None else max(max_places, places)
    value = Decimal(value).quantize(Decimal(1).scaleb(-max_places), rounding=ROUND_HALF_UP)
    pattern = ("#,##0" if grouping else "0") + (
        "." + "0" * places + "#" * (max_places - places) if max_places else "")
    return format_decimal(value, format=pattern, locale=locale or number_locale(),
                          decimal_quantization=False)


def editor_number(value: Decimal, *, places: int = 2) -> str:
    """A stored number as an editor's script puts it in an input: the language's decimal
    separator, no grouping, up to the six decimals a stored rate or price has."""
    return format_number(value, places=places, max_places=6, grouping=False)


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def format_money(value: Decimal, currency: str = "", *, max_places: int = 2,
                 locale: str | None = None) -> str:
    """An amount with two decimals (a unit price: up to ``max_places``) in the language's
    format, after its currency symbol: "€ 1.234,56" in Dutch, "€ 1,234.56" in English."""
    text = format_number(Decimal(value), max_places=max_places, locale=locale)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{symbol} {text}" if symbol else text


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


def line_amounts(
    *, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, percentage: Decimal
) -> LineAmounts:
    net = round_money(quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED)
    vat = round_money(net * percentage / HUNDRED)
    return LineAmounts(net=net, vat=vat, gross=net + vat)


@dataclass(frozen=True)
class RateTotal:
    rate: str
    percentage: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    net_eur: Decimal
    vat_eur: Decimal
    gross_eur: Decimal


def rate_total(
    *, rate: str, percentage: Decimal, net: Decimal, exchange_rate: Decimal = Decimal(1)
) -> RateTotal:
    """VAT on the rate's total, in the invoice currency and in euros."""
    vat = round_money(net * percentage / HUNDRED)
    net_eur = round_money(net * exchange_rate)
    vat_eur = round_money(net_eur * percentage / HUNDRED)
    return RateTotal(rate, percentage, net, vat, net + vat, net_eur, vat_eur, net_eur + vat_eur)


def totals_per_rate(
    lines: Iterable[tuple[str, Decimal, Decimal]], exchange_rate: Decimal = Decimal(1)
) -> list[RateTotal]:
    """Group (rate code, percentage, line net) by rate, in first-seen order."""
    nets: dict[str, tuple[Decimal, Decimal]] = {}
    for rate, percentage, net in lines:
        _pct, total = nets.get(rate, (percentage, ZERO))
        nets[rate] = (percentage, total + net)
    return [
        rate_total(rate=rate, percentage=pct, net=net, exchange_rate=exchange_rate)
        for rate, (pct, net) in nets.items()
    ]
