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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    """Round to cents, half up (away from zero). The only rounding of money amounts."""
    if not isinstance(value, Decimal):
        raise TypeError("round_money takes a Decimal, never a float")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(value) -> Decimal:
    """A Decimal from user or stored input; ValueError for anything that is not a finite number."""
    if isinstance(value, float):
        raise TypeError("money never passes through float")
    try:
        result = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


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
