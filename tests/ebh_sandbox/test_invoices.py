"""AddFactuur into the invoicing module (every CFACT code) and GetFacturen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.builders import WIDE, Api, error_code, invoice, invoice_line, payment_line


@pytest.fixture
def seller(api: Api) -> Api:
    api.add_relation("K001")
    return api


def add(api: Api, **overrides: Any) -> Any:
    return api("AddFactuur", oFact=invoice(**overrides))


def test_blank_numbers_are_generated_and_skip_taken_ones(seller: Api) -> None:
    seller.book(Factuurnummer="F00002")  # an AddMutatie booking already uses F00002
    numbers = [seller.ok("AddFactuur", oFact=invoice()).Factuurnummer for _ in range(2)]
    assert numbers == ["F00001", "F00003"]
    assert seller.ok("AddFactuur", oFact=invoice(Factuurnummer="2024-77")).Factuurnummer \
        == "2024-77"


def test_invoice_numbers_are_unique(seller: Api) -> None:
    seller.ok("AddFactuur", oFact=invoice(Factuurnummer="A1"))
    taken = add(seller, Factuurnummer="A1")
    assert error_code(taken) == "CFACT026"
    assert taken.Factuurnummer is None
    seller.book(Factuurnummer="M1")
    assert error_code(add(seller, Factuurnummer="M1")) == "CFACT026"


def test_get_facturen_lists_invoices_with_totals(seller: Api) -> None:
    lines = [invoice_line(), invoice_line(Aantal=3, PrijsPerEenheid=9.99, BTWCode="LAAG_VERK_9",
                                          TegenrekeningCode="8010", Eenheid="stuk", Code="B")]
    number = seller.ok("AddFactuur", oFact=invoice(lines, Betalingstermijn=30)).Factuurnummer
    seller.ok("AddFactuur", oFact=invoice(Datum=dt.date(2023, 1, 1)))
    found = seller.ok("GetFacturen", cFilter={"Factuurnummer": number, **WIDE}).Facturen
    factuur = found.cFactuurList[0]
    assert (factuur.Factuurnummer, factuur.Relatiecode, factuur.Betalingstermijn) \
        == (number, "K001", 30)
    assert (factuur.TotaalExclBTW, factuur.TotaalBTW, factuur.TotaalInclBTW) \
        == (129.97, 23.7, 153.67)
    assert factuur.TotaalOpenstaand == 153.67
    assert factuur.URLPDFBestand.startswith("http://127.0.0.1:")
    regels = factuur.Regels.cFactuurRegel
    assert [(r.Code, r.Aantal, r.PrijsPerEenheid) for r in regels] \
        == [("ADV-UUR", 2.0, 50.0), ("B", 3.0, 9.99)]
    in_2024 = seller.ok("GetFacturen", cFilter={
        "DatumVan": dt.date(2024, 1, 1), "DatumTm": dt.date(2024, 12, 31)}).Facturen
    assert [f.Factuurnummer for f in in_2024.cFactuurList] == [number]
    by_relation = seller.ok("GetFacturen", cFilter={"Relatiecode": "K999", **WIDE}).Facturen
    assert by_relation is None


def test_invoice_booked_in_the_books(sb: SandboxProcess, seller: Api) -> None:
    number = seller.ok("AddFactuur", oFact=invoice(
        InBoekhoudingPlaatsen=True, BoekhoudmutatieOmschrijving="Factuur advies")).Factuurnummer
    [booking] = sb.mutations(seller.guid)
    assert (booking["soort"], booking["rekening"], booking["factuurnummer"], booking["totaal"]) \
        == ("FactuurVerstuurd", "1300", number, "121.00")
    assert [i["mutatie_nr"] for i in sb.invoices(seller.guid)] == [booking["nr"]]
    posts = seller.ok("GetOpenPosten", OpSoort="Debiteuren").Openposten.cOpenPost
    assert [(p.MutFactuur, p.Openstaand) for p in posts] == [(number, 121.0)]
    seller.book(soort="FactuurbetalingOntvangen", Factuurnummer=number,
                lines=[payment_line("21.00")])
    found = seller.ok("GetFacturen", cFilter={"Factuurnummer": number, **WIDE}).Facturen
    assert found.cFactuurList[0].TotaalOpenstaand == 100.0


def test_unbooked_invoice_is_no_booking(sb: SandboxProcess, seller: Api) -> None:
    seller.ok("AddFactuur", oFact=invoice())
    assert sb.mutations(seller.guid) == []
    assert seller.ok("GetOpenPosten", OpSoort="Debiteuren").Openposten is None


EMAIL = {"PerEmailVerzenden": True, "EmailBericht": "Zie bijlage", "EmailVanAdres": "a@b.nl",
         "EmailOnderwerp": "Factuur"}
INCASSO = {"AutomatischeIncasso": True, "IncassoRekeningNummer": "NL91", "IncassoTnv": "Jan",
           "IncassoPlaats": "Utrecht", "IncassoOmschrijvingRegel1": "Factuur"}


@pytest.mark.parametrize(("overrides", "code"), [
    ({"Relatiecode": ""}, "CFACT024"),
    ({"Relatiecode": "K999"}, "CFACT025"),
    ({"Datum": dt.date(1979, 1, 1)}, "CFACT004"),
    ({"Datum": dt.date(2050, 1, 1)}, "CFACT004"),
    ({"Betalingstermijn": 0}, "CFACT014"),
    ({"Factuursjabloon": None}, "CFACT027"),
    ({"Factuursjabloon": "Onbekend"}, "CFACT028"),
    ({**EMAIL, "EmailBericht": ""}, "CFACT029"),
    ({**EMAIL, "EmailVanAdres": None}, "CFACT030"),
    ({**EMAIL, "EmailOnderwerp": ""}, "CFACT031"),
    ({"InBoekhoudingPlaatsen": True}, "CFACT032"),
    ({**INCASSO, "IncassoRekeningNummer": ""}, "CFACT033"),
    ({**INCASSO, "IncassoTnv": ""}, "CFACT034"),
    ({**INCASSO, "IncassoPlaats": ""}, "CFACT035"),
    ({**INCASSO, "IncassoOmschrijvingRegel1": ""}, "CFACT036"),
    ({"Factuurnummer": "F" * 51}, "CFACT043"),
    ({"lines": []}, "CFACT006"),
    ({"lines": [invoice_line()] * 101}, "CFACT006"),
    ({"lines": [invoice_line(Code="")]}, "CFACT037"),
    ({"lines": [invoice_line(BTWCode=None)]}, "CFACT038"),
    ({"lines": [invoice_line(Omschrijving="")]}, "CFACT039"),
    ({"lines": [invoice_line(TegenrekeningCode="")]}, "CFACT040"),
    ({"lines": [invoice_line(BTWCode="NOPE")]}, "CFACT042"),
    ({"lines": [invoice_line(BTWCode="HOOG_INK_21")]}, "CFACT042"),
    ({"lines": [invoice_line(TegenrekeningCode="9999")]}, "CMUT012"),
    ({"lines": [invoice_line(TegenrekeningCode="1300")]}, "CMUT012"),
    ({"lines": [invoice_line(KostenplaatsID=42)]}, "CFACT212"),
])
def test_add_factuur_rejections(seller: Api, overrides: dict, code: str) -> None:
    lines = overrides.pop("lines", None)
    result = seller("AddFactuur", oFact=invoice(lines, **overrides))
    assert error_code(result) == code
    assert seller.ok("AddFactuur", oFact=invoice()).Factuurnummer == "F00001"


def test_optional_blocks_pass_when_complete(seller: Api) -> None:
    assert seller.ok("AddFactuur", oFact=invoice(**EMAIL, **INCASSO)).Factuurnummer
