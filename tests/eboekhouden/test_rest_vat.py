"""VAT over REST: e-Boekhouden computes each row's VAT itself (half up, per row), so what it
books per rate is predictable from the rows alone. The prediction is checked against the
sandbox over HTTP, and against the invoice's own VAT."""

import datetime
import itertools
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eboekhouden.client import MutationData, MutationLine, RelationData
from eboekhouden.rest import predicted_row_vat, row_vat, vat_differences

CENT = Decimal("0.01")
RATES = {"HOOG_VERK_21": Decimal(21), "LAAG_VERK_9": Decimal(9), "BI_EU_VERK": Decimal(0)}
_numbers = itertools.count(1)


def _line(net: str, vat: str, code: str = "HOOG_VERK_21", account: str = "8000",
          centre: int = 0) -> MutationLine:
    net_d, vat_d = Decimal(net), Decimal(vat)
    return MutationLine(net_d, vat_d, net_d + vat_d, code, RATES.get(code, Decimal(0)), account,
                        centre)


def test_each_row_is_rounded_half_up_on_its_own():
    assert row_vat(_line("0.50", "0.11")) == Decimal("0.11")  # 0.105 -> 0.11
    assert row_vat(_line("-0.50", "-0.11")) == Decimal("-0.11")
    assert row_vat(_line("10.00", "0.00", "BI_EU_VERK")) == Decimal("0.00")
    assert row_vat(_line("10.00", "1.23", "AFW_VERK")) == Decimal("1.23")  # given, not computed


def test_one_row_per_rate_books_the_invoice_vat():
    lines = [_line("100.05", "21.01"), _line("33.33", "3.00", "LAAG_VERK_9")]
    assert predicted_row_vat(lines) == {"HOOG_VERK_21": Decimal("21.01"),
                                        "LAAG_VERK_9": Decimal("3.00")}
    assert vat_differences(lines) == {}


def test_several_rows_of_one_rate_may_miss_the_invoice_vat_by_cents():
    # 3 x 0.50 at 21 %: the invoice says 0.32 (1.50 x 21 % = 0.315), the rows 3 x 0.11.
    lines = [_line("0.50", "0.11", account=a) for a in ("8000", "8010")]
    lines.append(_line("0.50", "0.10", account="8020"))
    assert vat_differences(lines) == {"HOOG_VERK_21": (Decimal("0.32"), Decimal("0.33"))}


@settings(max_examples=40, deadline=None)
@given(st.decimals(min_value=Decimal("-5000"), max_value=Decimal("5000"), places=2),
       st.sampled_from(sorted(RATES)))
def test_a_single_row_always_books_the_rounded_rate_vat(net, code):
    vat = (net * RATES[code] / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert vat_differences([_line(str(net), str(vat), code)]) == {}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"),
                                      places=2),
                          st.sampled_from(["HOOG_VERK_21", "LAAG_VERK_9"]),
                          st.sampled_from(["8000", "8010"])),
                min_size=1, max_size=4))
def test_the_sandbox_books_the_predicted_vat(rest, rest_sandbox, account, session, rows):
    code = f"V{next(_numbers)}"
    rest.add_relatie(session, RelationData(code=code, name="Klant"))
    lines = tuple(_line(str(net), str(row_vat(_line(str(net), "0", vat_code))), vat_code,
                        account_code) for net, vat_code, account_code in rows)
    number = rest.add_mutatie(session, MutationData(
        kind="FactuurVerstuurd", date=datetime.date(2026, 3, 2), account="1300",
        relation_code=code, invoice_number=f"FV-{code}", description="VAT",
        payment_term_days=14, lines=lines))
    [booked] = [m for m in rest_sandbox.mutations(account["security_code_2"])
                if m["nr"] == number]
    stored: dict[str, Decimal] = {}
    for line in booked["lines"]:
        stored[line["btw_code"]] = stored.get(line["btw_code"], Decimal(0)) + Decimal(
            str(line["btw"]))
    assert stored == predicted_row_vat(lines)
