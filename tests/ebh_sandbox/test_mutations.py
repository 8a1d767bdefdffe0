"""AddMutatie validation (every CMUT code), GetMutaties with its two limits, GetOpenPosten."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from ebh_sandbox.testing import SandboxError, SandboxProcess
from tests.ebh_sandbox.builders import (
    Api,
    error_code,
    line,
    mutation,
    mutation_filter,
    payment_line,
)
from tests.ebh_sandbox.conftest import unique_username


@pytest.fixture
def booker(api: Api) -> Api:
    """A session with customer K001 and supplier L001."""
    api.add_relation("K001")
    api.add_relation("L001", Bedrijf="Leverancier BV")
    return api


def rejected(api: Api, **overrides: Any) -> str | None:
    result = api("AddMutatie", oMut=mutation(**overrides))
    assert result.Mutatienummer == 0 or error_code(result) is None
    return error_code(result)


@pytest.mark.parametrize("soort", [
    "FactuurVerstuurd", "FactuurOntvangen", "GeldOntvangen", "GeldUitgegeven", "Memoriaal",
])
def test_every_kind_books(booker: Api, soort: str) -> None:
    assert booker.book(soort=soort) == 1
    assert booker.book(soort=soort, Factuurnummer="F2") == 2


def test_payments_book_against_their_invoice(booker: Api) -> None:
    booker.book(Factuurnummer="V1")
    booker.book(soort="FactuurOntvangen", Factuurnummer="I1")
    assert booker.book(soort="FactuurbetalingOntvangen", Factuurnummer="V1") == 3
    assert booker.book(soort="FactuurbetalingVerstuurd", Factuurnummer="I1") == 4


def test_booking_is_returned_by_get_mutaties(booker: Api, sb: SandboxProcess) -> None:
    nr = booker.book(Boekstuk="BS-1", Betalingskenmerk="RF18", InExBTW="IN", lines=[
        line("100.00", BedragInvoer=Decimal("121.00")), line("10.00", "9", "LAAG_VERK_9", "8010")])
    found = booker.ok("GetMutaties", cFilter=mutation_filter(MutatieNr=nr)).Mutaties.cMutatieList
    mut = found[0]
    assert (mut.MutatieNr, mut.Soort, mut.Rekening, mut.RelatieCode, mut.Boekstuk, mut.InExBTW) \
        == (nr, "FactuurVerstuurd", "1300", "K001", "BS-1", "IN")
    assert mut.Datum == dt.datetime(2024, 5, 1)
    regels = mut.MutatieRegels.cMutatieListRegel
    assert [(r.BedragInvoer, r.BedragInclBTW, r.BTWCode, r.TegenrekeningCode) for r in regels] \
        == [(Decimal("121.00"), Decimal("121.00"), "HOOG_VERK_21", "8000"),
            (Decimal("10.00"), Decimal("10.90"), "LAAG_VERK_9", "8010")]
    assert sb.mutations(booker.guid)[0]["totaal"] == "131.90"


@pytest.mark.parametrize(("overrides", "code"), [
    ({"Soort": "OpeningsSaldo"}, "CMUT008"),
    ({"Datum": dt.date(1979, 12, 31)}, "CMUT004"),
    ({"Datum": dt.date(2050, 1, 1)}, "CMUT004"),
    ({"Omschrijving": ""}, "CMUT005"),
    ({"Boekstuk": "x" * 51}, "CMUT031"),
    ({"Factuurnummer": "F" * 51}, "CMUT031"),
    ({"InExBTW": None}, "CMUT003"),
    ({"InExBTW": "INCL"}, "CMUT003.1"),
    ({"lines": []}, "CMUT006"),
    ({"lines": [line()] * 101}, "CMUT006"),
    ({"Rekening": "9999"}, "CMUT001"),
    ({"Rekening": ""}, "CMUT001"),
    ({"Rekening": "1600"}, "CMUT016"),
    ({"Factuurnummer": ""}, "CMUT013"),
    ({"RelatieCode": None}, "CMUT014"),
    ({"Betalingstermijn": ""}, "CMUT014"),
    ({"Betalingstermijn": "veertien"[:4]}, "CMUT032"),
    ({"RelatieCode": "K999"}, "CMUT017"),
    ({"lines": [line(code="HOOG_INK_21")]}, "CMUT011"),
    ({"lines": [line(contra="9999")]}, "CMUT012"),
    ({"lines": [line(contra="1010")]}, "CMUT012"),
    ({"lines": [line(code="HOOG_VERK_25")]}, "CMUT033"),
    ({"lines": [line(KostenplaatsID=99)]}, "CMUT030"),
    ({"lines": [line(BedragInclBTW=Decimal("121.02"))]}, "CMUT010"),
    ({"lines": [line(BedragBTW=Decimal("21.50"), BedragInclBTW=Decimal("121.50"))]},
     "CMUT010.1"),
])
def test_sales_invoice_rejections(booker: Api, overrides: dict, code: str) -> None:
    assert rejected(booker, **overrides) == code
    assert booker.book(Factuurnummer="OK-1") == 1  # a rejection assigns no number


@pytest.mark.parametrize(("soort", "overrides", "code"), [
    ("FactuurOntvangen", {"Rekening": "1300"}, "CMUT015"),
    ("FactuurOntvangen", {"lines": [line()]}, "CMUT011"),
    ("GeldOntvangen", {"Rekening": "8000"}, "CMUT001.1"),
    ("GeldOntvangen", {"RelatieCode": "K999"}, "CMUT017"),
    ("GeldOntvangen", {"lines": [line(contra="1300")]}, "CMUT012"),
    ("GeldUitgegeven", {"lines": [line(code="HOOG_VERK_21", contra="4000")]}, "CMUT011"),
    ("FactuurbetalingOntvangen", {"Rekening": "1300"}, "CMUT001.1"),
    ("FactuurbetalingOntvangen", {"Factuurnummer": ""}, "CMUT023"),
    ("FactuurbetalingOntvangen", {"RelatieCode": ""}, "CMUT024"),
    ("FactuurbetalingOntvangen", {"RelatieCode": "K999"}, "CMUT025"),
    ("FactuurbetalingOntvangen", {"Factuurnummer": "NOPE"}, "CMUT026"),
    ("FactuurbetalingOntvangen", {"RelatieCode": "L001"}, "CMUT026"),
    ("FactuurbetalingOntvangen", {"lines": [payment_line("121.00", "8000")]}, "CMUT027"),
    ("FactuurbetalingOntvangen", {"lines": [line(contra="1300")]}, "CMUT011"),
    ("FactuurbetalingVerstuurd", {"Factuurnummer": "V1"}, "CMUT026"),
    ("FactuurbetalingVerstuurd", {"Factuurnummer": "I1", "lines": [payment_line("1", "1300")]},
     "CMUT028"),
])
def test_rules_per_kind(booker: Api, soort: str, overrides: dict, code: str) -> None:
    booker.book(Factuurnummer="V1")
    booker.book(soort="FactuurOntvangen", Factuurnummer="I1")
    overrides.setdefault("Factuurnummer", "V1" if soort.endswith("Ontvangen") else "I1")
    assert rejected(booker, soort=soort, **overrides) == code


def test_sales_invoice_number_is_unique_per_administration(booker: Api) -> None:
    booker.book(Factuurnummer="F1")
    assert rejected(booker, Factuurnummer="F1") == "CMUT019"
    booker.add_relation("K002")
    assert rejected(booker, Factuurnummer="F1", RelatieCode="K002") == "CMUT019"


def test_purchase_invoice_number_is_unique_per_supplier(booker: Api) -> None:
    booker.book(soort="FactuurOntvangen", Factuurnummer="2024-1")
    assert rejected(booker, soort="FactuurOntvangen", Factuurnummer="2024-1") == "CMUT018"
    booker.add_relation("L002")
    assert booker.book(soort="FactuurOntvangen", Factuurnummer="2024-1", RelatieCode="L002")


def test_money_kinds_are_not_protected_against_duplicates(booker: Api) -> None:
    assert booker.book(soort="GeldOntvangen") == 1
    assert booker.book(soort="GeldOntvangen") == 2


def test_limits_that_pass(booker: Api) -> None:
    assert booker.book(Omschrijving="x" * 200, Factuurnummer="A")
    assert booker.book(Datum=dt.date(1980, 1, 1), Factuurnummer="B")
    assert booker.book(Datum=dt.date(2049, 12, 31), Factuurnummer="C")
    assert booker.book(lines=[line("1.00")] * 100, Factuurnummer="D")
    assert booker.book(InExBTW=None, lines=[line(pct="0", code="GEEN")], Factuurnummer="E")
    assert booker.book(lines=[line(KostenplaatsID=2)], Factuurnummer="G")


def test_vat_tolerance_is_one_cent_and_configurable(sb: SandboxProcess, booker: Api) -> None:
    off_by_a_cent = [line(BedragBTW=Decimal("21.01"), BedragInclBTW=Decimal("121.01"))]
    assert booker.book(lines=off_by_a_cent, Factuurnummer="A")
    incl_off = [line(BedragInclBTW=Decimal("121.01"))]
    assert rejected(booker, lines=incl_off, Factuurnummer="B") == "CMUT010"  # always exact
    sb.set_settings(vat_tolerance="0")
    assert rejected(booker, lines=off_by_a_cent, Factuurnummer="C") == "CMUT010.1"


def test_closed_period_is_CMUT020(sb: SandboxProcess, booker: Api) -> None:
    sb.set_settings(closed_until="2024-05-01")
    assert rejected(booker) == "CMUT020"
    assert booker.book(Datum=dt.date(2024, 5, 2))


def test_single_line_kinds_are_CMUT021_when_enabled(sb: SandboxProcess, booker: Api) -> None:
    two_lines = [line(), line("5.00")]
    assert booker.book(soort="GeldOntvangen", lines=two_lines)
    sb.set_settings(single_line_kinds=["GeldOntvangen"])
    assert rejected(booker, soort="GeldOntvangen", lines=two_lines) == "CMUT021"
    assert booker.book(soort="GeldOntvangen", lines=[line()])


def test_payment_term_requirement_is_a_setting(sb: SandboxProcess, booker: Api) -> None:
    sb.set_settings(require_payment_term=False)
    assert booker.book(Betalingstermijn=None)


# -- GetMutaties -----------------------------------------------------------------------------


def numbers(api: Api, **flt: Any) -> list[int]:
    found = api.ok("GetMutaties", cFilter=mutation_filter(**flt)).Mutaties
    return [m.MutatieNr for m in found.cMutatieList] if found else []


def test_get_mutaties_filters_are_inclusive(booker: Api) -> None:
    for day in (1, 2, 3, 4):
        booker.book(Factuurnummer=f"F{day}", Datum=dt.date(2024, 5, day))
    assert numbers(booker) == [1, 2, 3, 4]
    assert numbers(booker, MutatieNr=3) == [3]
    assert numbers(booker, MutatieNrVan=2, MutatieNrTm=3) == [2, 3]
    assert numbers(booker, Factuurnummer="F4") == [4]
    assert numbers(booker, DatumVan=dt.date(2024, 5, 2), DatumTm=dt.date(2024, 5, 3)) == [2, 3]
    assert numbers(booker, Factuurnummer="NONE") == []


@pytest.mark.slow
def test_get_mutaties_returns_at_most_the_last_500(sandbox: SandboxProcess, booker: Api) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(
            lambda i: booker("AddMutatie", oMut=mutation(soort="GeldOntvangen")), range(505)))
    assert all(error_code(r) is None for r in results)
    found = numbers(booker)
    assert len(found) == 500
    assert found == list(range(6, 506))  # the newest 500, oldest first
    assert numbers(booker, MutatieNrTm=100) == list(range(1, 101))


def test_get_mutaties_monthly_limit(sb: SandboxProcess, service: Any) -> None:
    acc = sb.add_account(unique_username("limit"), administrations=2)
    first, second = (Api(service, acc, guid) for guid in acc["administrations"])
    sb.set_usage(first.guid, 4998)
    assert error_code(first("GetMutaties", cFilter=mutation_filter())) is None
    assert error_code(first("GetMutaties", cFilter=mutation_filter())) is None  # the 5,000th
    refused = first("GetMutaties", cFilter=mutation_filter())
    assert error_code(refused) == "E003.1"
    assert refused.Mutaties is None
    assert error_code(second("GetMutaties", cFilter=mutation_filter())) is None  # per admin
    sb.reset()
    assert error_code(first("GetMutaties", cFilter=mutation_filter())) is None


# -- open items --------------------------------------------------------------------------------


def open_items(api: Api, kind: str = "Debiteuren") -> list[tuple]:
    found = api.ok("GetOpenPosten", OpSoort=kind).Openposten
    if found is None:
        return []
    return [(p.MutFactuur, p.RelCode, p.RelBedrijf, p.Bedrag, p.Voldaan, p.Openstaand)
            for p in found.cOpenPost]


def test_open_items_follow_invoices_and_payments(booker: Api) -> None:
    booker.book(Factuurnummer="V1")
    booker.book(Factuurnummer="V2", lines=[line("10.00")])
    booker.book(soort="FactuurbetalingOntvangen", Factuurnummer="V1",
                lines=[payment_line("21.00")])
    assert open_items(booker) == [("V1", "K001", "Bedrijf K001", 121.0, 21.0, 100.0),
                                  ("V2", "K001", "Bedrijf K001", 12.1, 0.0, 12.1)]
    booker.book(soort="FactuurbetalingOntvangen", Factuurnummer="V1",
                lines=[payment_line("100.00")])
    assert [item[0] for item in open_items(booker)] == ["V2"]
    booker.book(soort="FactuurOntvangen", Factuurnummer="I1")
    assert open_items(booker, "Crediteuren") == [
        ("I1", "L001", "Leverancier BV", 121.0, 0.0, 121.0)]


def test_control_pay_books_the_payment_that_matching_the_bank_books(
    sb: SandboxProcess, booker: Api
) -> None:
    booker.book(Factuurnummer="V1")
    nr = sb.pay_invoice(booker.guid, "v1", "21.00", "2024-05-02")  # any case, like the service
    assert open_items(booker) == [("V1", "K001", "Bedrijf K001", 121.0, 21.0, 100.0)]
    payment = sb.mutations(booker.guid)[-1]
    assert (payment["nr"], payment["soort"], payment["rekening"], payment["datum"]) == (
        nr, "FactuurbetalingOntvangen", "1010", "2024-05-02")
    assert [(ln["btw_code"], ln["tegenrekening"]) for ln in payment["lines"]] == [("GEEN", "1300")]
    sb.pay_invoice(booker.guid, "V1")  # what is open
    assert open_items(booker) == []
    with pytest.raises(SandboxError, match="400"):
        sb.pay_invoice(booker.guid, "V1")  # nothing left to pay
    with pytest.raises(SandboxError, match="400"):
        sb.pay_invoice(booker.guid, "NOPE")
    booker.book(soort="FactuurOntvangen", Factuurnummer="I1")
    sb.pay_invoice(booker.guid, "I1", purchase=True, relation="L001")
    assert open_items(booker, "Crediteuren") == []
