"""VAT over REST: e-Boekhouden computes each row's VAT itself (half up, per row), so what it
books per rate is predictable from the rows alone. The prediction is checked against the
sandbox over HTTP, and against the invoice's own VAT."""

import datetime
import itertools
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ebh_sync.mapping import apportion
from eboekhouden.client import MutationData, MutationLine, RelationData
from eboekhouden.rest import predicted_row_vat, row_vat, vat_differences
from eboekhouden.soap import SoapClient, SoapConfig

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
    lines.append(_line("0.50", "0.10", account="8100"))
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


def _stored_vat(sandbox, account, number: int) -> dict[str, Decimal]:
    [booked] = [m for m in sandbox.mutations(account["security_code_2"]) if m["nr"] == number]
    stored: dict[str, Decimal] = {}
    for line in booked["lines"]:
        stored[line["btw_code"]] = stored.get(line["btw_code"], Decimal(0)) + Decimal(
            str(line["btw"]))
    return stored


# One invoice rate's lines on one or more (account, cost centre) targets: the invoice's VAT
# is rounded once on the rate's net total, then apportioned over the targets (ebh_sync.mapping).
invoice_rates = st.lists(
    st.tuples(st.sampled_from(["HOOG_VERK_21", "LAAG_VERK_9"]),
              st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"),
                                   places=2), min_size=1, max_size=3)),
    min_size=1, max_size=2, unique_by=lambda rate: rate[0])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invoice_rates)
@example([("HOOG_VERK_21", [Decimal("0.50")] * 3)])  # REST books 0.33 where the invoice has 0.32
def test_both_transports_book_the_invoice_vat_unless_the_preview_says_otherwise(
        rest, rest_sandbox, account, credentials, session, rates):
    code = f"W{next(_numbers)}"
    rest.add_relatie(session, RelationData(code=code, name="Klant"))
    lines, invoice_vat = [], {}
    for vat_code, nets in rates:
        total = sum(nets, Decimal(0))
        exact_vat = total * RATES[vat_code] / 100
        invoice_vat[vat_code] = exact_vat.quantize(CENT, rounding=ROUND_HALF_UP)
        vats = apportion([net * RATES[vat_code] / 100 for net in nets], invoice_vat[vat_code])
        accounts = ("8000", "8010", "8100")
        lines += [_line(str(net), str(vat), vat_code, accounts[i])
                  for i, (net, vat) in enumerate(zip(nets, vats, strict=True))]

    def sale(number: str) -> MutationData:
        return MutationData(kind="FactuurVerstuurd", date=datetime.date(2026, 3, 2),
                            account="1300", relation_code=code, invoice_number=number,
                            description="VAT", payment_term_days=14, lines=tuple(lines))

    by_rest = rest.add_mutatie(session, sale(f"R-{code}"))
    soap = SoapClient(SoapConfig(wsdl_url=rest_sandbox.wsdl_url,
                                 endpoint_url=rest_sandbox.endpoint))
    with soap.session(credentials) as soap_session:
        by_soap = soap.add_mutatie(soap_session, sale(f"S-{code}"))
    assert _stored_vat(rest_sandbox, account, by_soap) == invoice_vat
    over_rest = _stored_vat(rest_sandbox, account, by_rest)
    assert over_rest == predicted_row_vat(lines)
    differences = vat_differences(lines)
    assert {c for c in invoice_vat if over_rest[c] != invoice_vat[c]} == set(differences)
    if all(len(nets) == 1 for _code, nets in rates):
        assert differences == {}  # one row per rate: REST books the invoice's VAT exactly
