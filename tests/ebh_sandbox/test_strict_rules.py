"""The sandbox is as strict as e-Boekhouden, and stricter where the real rule is unknown
(issue 12, part 2): VAT codes that fit their percentage and date, exact amounts, codes and
invoice numbers unique regardless of case, the GetMutaties cap before its filters, the silent
refusal of a long description, left-out elements read as defaults, and the sandbox's own codes.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

import ebh_sandbox
from ebh_sandbox import errors
from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.builders import (
    WIDE,
    Api,
    error_code,
    invoice,
    invoice_line,
    line,
    mutation,
    mutation_filter,
    payment_line,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
MANUAL = REPO_ROOT.parent / "shared" / "ebh" / "SOAP_API.md"
TNS = "http://www.e-boekhouden.nl/soap"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"


@pytest.fixture
def booker(api: Api) -> Api:
    """A session with customer K001 and supplier L001."""
    api.add_relation("K001")
    api.add_relation("L001", Bedrijf="Leverancier BV")
    return api


def attempt(api: Api, **overrides: Any) -> tuple[str | None, int]:
    result = api("AddMutatie", oMut=mutation(**overrides))
    return error_code(result), result.Mutatienummer


def numbers(api: Api, **flt: Any) -> list[int]:
    found = api.ok("GetMutaties", cFilter=mutation_filter(**flt)).Mutaties
    return [m.MutatieNr for m in found.cMutatieList] if found else []


def vat_line(code: str, pct: str, excl: str = "100.00", btw: str | None = None,
             contra: str = "8000") -> dict[str, Any]:
    """A line whose amounts add up; ``btw`` overrides the VAT computed from ``pct``."""
    amount = Decimal(excl)
    vat = Decimal(btw) if btw is not None else money(amount * Decimal(pct) / 100)
    return line(excl, pct, code, contra, BedragBTW=vat, BedragInclBTW=amount + vat)


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# -- 1. the BTW code fits the percentage and the date ------------------------------------------

D2011, D2013, D2018, D2019, D2024 = (dt.date(2011, 6, 1), dt.date(2013, 6, 1),
                                     dt.date(2018, 12, 31), dt.date(2019, 1, 1),
                                     dt.date(2024, 5, 1))
SALES_REFUSED = [
    ("VERL_VERK", "21", None, D2024),  # reverse charge with Dutch VAT on it
    ("VERL_VERK", "0", "0.01", D2024),  # a cent of VAT within CMUT010.1's tolerance
    ("VERL_VERK_L9", "9", None, D2024),
    ("GEEN", "21", None, D2024),
    ("BU_EU_VERK", "21", None, D2024),
    ("BI_EU_VERK", "9", None, D2024),
    ("BI_EU_VERK_D", "0", "0.01", D2024),
    ("AFST_VERK", "21", None, D2024),
    ("HOOG_VERK_21", "9", None, D2024),
    ("HOOG_VERK_21", "19", None, D2011),
    ("HOOG_VERK", "21", None, D2011),  # the old code: 19 % before 2012-10-01
    ("HOOG_VERK", "19", None, D2013),  # and 21 % from then on
    ("LAAG_VERK", "9", None, D2018),
    ("LAAG_VERK", "6", None, D2019),  # the old low code only before 2019 (issue's reading)
    ("LAAG_VERK", "9", None, D2024),
    ("LAAG_VERK_9", "9", None, D2018),  # 9 % only from 2019-01-01
    ("LAAG_VERK_9", "6", None, D2018),
    ("LAAG_VERK_9", "21", None, D2024),
]
SALES_ACCEPTED = [
    ("HOOG_VERK_21", "21", D2024), ("HOOG_VERK", "19", D2011), ("HOOG_VERK", "21", D2013),
    ("LAAG_VERK", "6", D2018), ("LAAG_VERK_9", "9", D2019), ("VERL_VERK", "0", D2024),
    ("VERL_VERK_L9", "0", D2024), ("BU_EU_VERK", "0", D2024), ("BI_EU_VERK", "0", D2024),
    ("BI_EU_VERK_D", "0", D2024), ("AFST_VERK", "0", D2024), ("GEEN", "0", D2024),
    ("AFW", "13", D2024), ("AFW_VERK", "5", D2024), ("AFW_VERK", "0", D2024),
]


@pytest.mark.parametrize(("code", "pct", "btw", "datum"), SALES_REFUSED)
def test_sales_code_that_does_not_fit_is_refused(
    booker: Api, code: str, pct: str, btw: str | None, datum: dt.date
) -> None:
    lines = [vat_line(code, pct, btw=btw)]
    assert attempt(booker, lines=lines, Datum=datum) == ("CMUT011", 0)
    assert booker.book(lines=[vat_line("GEEN", "0")], Factuurnummer="OK")  # nothing left over


@pytest.mark.parametrize(("code", "pct", "datum"), SALES_ACCEPTED)
def test_sales_code_that_fits_books(booker: Api, code: str, pct: str, datum: dt.date) -> None:
    assert booker.book(lines=[vat_line(code, pct)], Datum=datum) == 1


@pytest.mark.parametrize(("code", "pct", "btw", "datum", "fits"), [
    ("HOOG_INK_21", "21", None, D2024, True),
    ("HOOG_INK_21", "9", None, D2024, False),
    ("HOOG_INK", "21", None, D2024, True),
    ("HOOG_INK", "19", None, D2024, False),
    ("LAAG_INK", "6", None, D2018, True),
    ("LAAG_INK", "9", None, D2024, False),
    ("LAAG_INK_9", "9", None, D2024, True),
    ("LAAG_INK_9", "9", None, D2018, False),
    # Reverse charge: 0 % without VAT (as the product books it), or the self-assessed rate.
    ("VERL_INK", "0", None, D2024, True),
    ("VERL_INK", "21", None, D2024, True),
    ("VERL_INK", "0", "0.01", D2024, False),
    ("VERL_INK", "9", None, D2024, False),
    ("VERL_INK_L9", "0", None, D2024, True),
    ("VERL_INK_L9", "9", None, D2024, True),
    ("VERL_INK_L9", "21", None, D2024, False),
    ("BI_EU_INK", "0", None, D2024, True),
    ("BI_EU_INK", "21", None, D2024, False),  # the manual gives these two 0 %
    ("BU_EU_INK", "0", None, D2024, True),
    ("BU_EU_INK", "0", "0.01", D2024, False),
    ("AFW", "7", None, D2024, True),
])
def test_purchase_codes(
    booker: Api, code: str, pct: str, btw: str | None, datum: dt.date, fits: bool
) -> None:
    lines = [vat_line(code, pct, btw=btw, contra="4000")]
    code_back, nr = attempt(booker, soort="FactuurOntvangen", lines=lines, Datum=datum)
    assert (code_back, bool(nr)) == ((None, True) if fits else ("CMUT011", False))


def test_add_factuur_refuses_a_code_without_a_rate_on_its_date(booker: Api) -> None:
    def add(code: str, datum: dt.date) -> str | None:
        lines = [invoice_line(BTWCode=code)]
        return error_code(booker("AddFactuur", oFact=invoice(lines, Datum=datum)))

    assert add("LAAG_VERK", D2024) == "CFACT042"
    assert add("LAAG_VERK_9", D2018) == "CFACT042"
    assert add("LAAG_VERK", D2018) is None
    assert add("LAAG_VERK_9", D2024) is None
    assert add("VERL_VERK", D2024) is None


# -- 2. exact amounts ---------------------------------------------------------------------------


def test_excl_plus_vat_is_incl_to_the_cent_at_any_tolerance(sb: SandboxProcess,
                                                           booker: Api) -> None:
    sb.set_settings(vat_tolerance="0.05")
    off = [line(BedragInclBTW=Decimal("121.01"))]
    assert attempt(booker, lines=off) == ("CMUT010", 0)


def test_vat_is_rounded_half_up(sb: SandboxProcess, booker: Api) -> None:
    sb.set_settings(vat_tolerance="0")
    # 0.50 x 21 % = 0.105: half-up gives 0.11, half-even would give 0.10.
    assert attempt(booker, lines=[vat_line("HOOG_VERK_21", "21", "0.50", "0.10")]) \
        == ("CMUT010.1", 0)
    assert booker.book(lines=[vat_line("HOOG_VERK_21", "21", "0.50", "0.11")])


@pytest.mark.parametrize(("code", "pct"), [("HOOG_VERK_21", "21"), ("LAAG_VERK_9", "9"),
                                           ("GEEN", "0")])
def test_with_tolerance_0_every_rate_on_one_account_is_exact(
    sb: SandboxProcess, booker: Api, code: str, pct: str
) -> None:
    sb.set_settings(vat_tolerance="0")
    rng = random.Random(f"{code}-12")
    amounts = [f"{Decimal(rng.randint(1, 10**7)) / 100:.2f}" for _ in range(100)]
    assert booker.book(lines=[vat_line(code, pct, excl) for excl in amounts])
    one_cent_off = vat_line(code, pct, "100.00", str(money(Decimal(pct)) + Decimal("0.01")))
    assert attempt(booker, lines=[one_cent_off], Factuurnummer="F2")[0] in ("CMUT010.1",
                                                                             "CMUT011")


# -- 3. codes and invoice numbers regardless of case --------------------------------------------


def test_relation_codes_are_unique_regardless_of_case(booker: Api) -> None:
    assert error_code(booker("AddRelatie", oRel={**_relation("k001")})) == "CREL001"
    found = booker.ok("GetRelaties", cFilter={"Code": "k001", "ID": 0}).Relaties.cRelatie
    assert [relation.Code for relation in found] == ["K001"]
    renamed = booker("UpdateRelatie", oRel={**_relation("k001"), "ID": 2})  # L001 -> k001
    assert error_code(renamed) == "CREL001"


def _relation(code: str) -> dict[str, Any]:
    return {"ID": 0, "AddDatum": D2024, "Code": code, "Bedrijf": "Ander BV", "BP": "B",
            "Gb_ID": 0, "GeenEmail": 0, "NieuwsbriefgroepenCount": 0}


def test_a_booking_in_another_case_refers_to_the_same_relation(sb: SandboxProcess,
                                                                booker: Api) -> None:
    nr = booker.book(RelatieCode="k001", Factuurnummer="F2026-1")
    [mut] = booker.ok("GetMutaties", cFilter=mutation_filter(MutatieNr=nr)).Mutaties.cMutatieList
    assert mut.RelatieCode == "K001"
    assert booker.book(soort="FactuurbetalingOntvangen", RelatieCode="K001",
                       Factuurnummer="f2026-1", lines=[payment_line("121.00")])
    assert booker.ok("GetOpenPosten", OpSoort="Debiteuren").Openposten is None  # settled


def test_sales_invoice_numbers_are_unique_regardless_of_case(booker: Api) -> None:
    booker.book(Factuurnummer="F2026-1")
    assert attempt(booker, Factuurnummer="f2026-1") == ("CMUT019", 0)
    assert numbers(booker, Factuurnummer="f2026-1") == [1]
    taken = booker("AddFactuur", oFact=invoice(Factuurnummer="f2026-1"))
    assert error_code(taken) == "CFACT026"
    booker.ok("AddFactuur", oFact=invoice(Factuurnummer="A-7"))
    assert error_code(booker("AddFactuur", oFact=invoice(Factuurnummer="a-7"))) == "CFACT026"
    found = booker.ok("GetFacturen", cFilter={"Factuurnummer": "a-7", "Relatiecode": "k001",
                                              **WIDE}).Facturen.cFactuurList
    assert [factuur.Factuurnummer for factuur in found] == ["A-7"]


def test_purchase_invoice_numbers_per_supplier_regardless_of_case(booker: Api) -> None:
    booker.book(soort="FactuurOntvangen", Factuurnummer="INK-1")
    assert attempt(booker, soort="FactuurOntvangen", Factuurnummer="ink-1",
                   RelatieCode="l001") == ("CMUT018", 0)
    booker.add_relation("L002")
    assert booker.book(soort="FactuurOntvangen", Factuurnummer="ink-1", RelatieCode="L002")


def test_add_factuur_with_a_relation_code_in_another_case(sb: SandboxProcess,
                                                          booker: Api) -> None:
    number = booker.ok("AddFactuur", oFact=invoice(Relatiecode="k001",
                                                   InBoekhoudingPlaatsen=True,
                                                   BoekhoudmutatieOmschrijving="Factuur")
                       ).Factuurnummer
    assert [inv["relatiecode"] for inv in sb.invoices(booker.guid)] == ["K001"]
    assert [(m["relatie_code"], m["factuurnummer"]) for m in sb.mutations(booker.guid)] \
        == [("K001", number)]


# -- 4. GetMutaties: the 500-row cap before the filters -----------------------------------------


@pytest.mark.slow
def test_filters_search_only_the_newest_500_but_a_window_reaches_back(booker: Api) -> None:
    assert booker.book(Factuurnummer="F-1", Datum=dt.date(2024, 1, 2)) == 1
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(
            lambda _: booker("AddMutatie", oMut=mutation(soort="GeldOntvangen")), range(600)))
    assert all(error_code(result) is None for result in results)
    assert numbers(booker, Factuurnummer="F-1") == []
    assert numbers(booker, DatumVan=dt.date(2024, 1, 1), DatumTm=dt.date(2024, 1, 31)) == []
    assert numbers(booker, MutatieNr=1) == []  # an exact number is a filter too (stricter)
    assert numbers(booker, MutatieNrVan=1, MutatieNrTm=1) == [1]
    assert numbers(booker, MutatieNrVan=1, MutatieNrTm=500, Factuurnummer="F-1") == [1]
    assert numbers(booker, MutatieNrTm=501, Factuurnummer="F-1") == []  # 2..501 searched
    assert numbers(booker, MutatieNrVan=1, MutatieNrTm=50, MutatieNr=1) == [1]
    assert numbers(booker, MutatieNrVan=101) == list(range(102, 602))


# -- 5. a description over 200 characters -------------------------------------------------------


def test_long_description_answers_0_without_an_error_code(sb: SandboxProcess,
                                                          booker: Api) -> None:
    result = booker("AddMutatie", oMut=mutation(Omschrijving="x" * 201))
    assert (result.Mutatienummer, error_code(result)) == (0, None)
    assert result.ErrorMsg.LastErrorDescription is None
    assert sb.mutations(booker.guid) == []
    assert attempt(booker, Omschrijving="x" * 201, RelatieCode="K999") == ("CMUT017", 0)
    assert booker.book(Omschrijving="x" * 200) == 1  # and no number was used up
    assert attempt(booker, Boekstuk="x" * 51, Factuurnummer="F2") == ("CMUT031", 0)


# -- 6. left-out elements read as .NET defaults --------------------------------------------------

MUTATIE_LINE = (
    "<cMutatieRegel><BedragInvoer>100</BedragInvoer><BedragExclBTW>100</BedragExclBTW>"
    "<BedragBTW>21</BedragBTW><BedragInclBTW>121</BedragInclBTW><BTWCode>HOOG_VERK_21</BTWCode>"
    "<BTWPercentage>21</BTWPercentage><TegenrekeningCode>8000</TegenrekeningCode>"
    "<KostenplaatsID>0</KostenplaatsID></cMutatieRegel>"
)


def _add_mutatie_xml(sb: SandboxProcess, api: Api, header: str,
                     lines: str = MUTATIE_LINE) -> requests.Response:
    """AddMutatie as raw XML, so elements can be left out (zeep would refuse)."""
    body = (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP11}">'
        f'<soap:Body><AddMutatie xmlns="{TNS}"><SessionID>{api.session_id}</SessionID>'
        f"<SecurityCode2>{api.guid}</SecurityCode2><oMut>{header}"
        f"<MutatieRegels>{lines}</MutatieRegels></oMut></AddMutatie></soap:Body></soap:Envelope>"
    ).encode()
    return requests.post(sb.endpoint, data=body, timeout=20,
                         headers={"Content-Type": "text/xml; charset=utf-8",
                                  "SOAPAction": f'"{TNS}/AddMutatie"'})


def _outcome(answer: requests.Response) -> tuple[str, str]:
    assert answer.status_code == 200, answer.text
    root = etree.fromstring(answer.content)
    return (root.findtext(f".//{{{TNS}}}LastErrorCode") or "",
            root.findtext(f".//{{{TNS}}}Mutatienummer") or "")


HEADER = ("<Soort>FactuurVerstuurd</Soort><Datum>2024-05-01</Datum><Rekening>1300</Rekening>"
          "<RelatieCode>K001</RelatieCode><Factuurnummer>X-1</Factuurnummer>"
          "<Omschrijving>Zonder MutatieNr</Omschrijving><Betalingstermijn>14</Betalingstermijn>"
          "<InExBTW>EX</InExBTW>")


def test_left_out_value_elements_read_as_defaults_and_book(sb: SandboxProcess,
                                                           booker: Api) -> None:
    # No MutatieNr in the header, no KostenplaatsID or BedragInvoer on the line.
    bare_line = re.sub(r"<(KostenplaatsID|BedragInvoer)>[^<]*</\1>", "", MUTATIE_LINE)
    assert _outcome(_add_mutatie_xml(sb, booker, HEADER, bare_line)) == ("", "1")
    [booked] = sb.mutations(booker.guid)
    assert (booked["lines"][0]["kostenplaats_id"], booked["lines"][0]["invoer"]) == (0, "0")


def test_a_left_out_date_or_kind_is_a_business_error_not_a_fault(sb: SandboxProcess,
                                                                  booker: Api) -> None:
    no_date = HEADER.replace("<Datum>2024-05-01</Datum>", "")  # reads as 0001-01-01
    assert _outcome(_add_mutatie_xml(sb, booker, no_date)) == ("CMUT004", "0")
    no_kind = HEADER.replace("<Soort>FactuurVerstuurd</Soort>", "")  # reads as OpeningsSaldo
    assert _outcome(_add_mutatie_xml(sb, booker, no_kind)) == ("CMUT008", "0")


def test_unknown_elements_are_still_a_fault(sb: SandboxProcess, booker: Api) -> None:
    answer = _add_mutatie_xml(sb, booker, HEADER + "<Omschrijvng>typo</Omschrijvng>")
    assert answer.status_code == 500
    assert b"Unexpected element" in answer.content


# -- 7. the sandbox's own error codes ------------------------------------------------------------

SANDBOX_OWN = {
    "CREL002", "CREL003", "CREL004", "CREL005", "CREL006", "CGB003", "CGB003.1", "CGB004.1",
    "CSAL001", "CMUT030", "CMUT031", "CMUT032", "CFACT043",
}


def test_the_sandbox_own_codes_are_declared() -> None:
    source = Path(errors.__file__).read_text()
    marked = set(re.findall(r'^\s+"([A-Z0-9.]+)": .*# sandbox', source, re.MULTILINE))
    assert marked == SANDBOX_OWN == errors.SANDBOX_CODES
    assert all(f"``{code}``" in errors.__doc__ for code in SANDBOX_OWN)


def test_every_other_code_is_in_the_manual() -> None:
    if not MANUAL.exists():
        pytest.skip(f"{MANUAL} is missing")
    text = MANUAL.read_text()
    table = text[text.index("## 4. Complete error-code table"):text.index("## 5. Enumerations")]
    listed = set(re.findall(r"\b[A-Z]{1,5}\d{3,4}(?:\.\d)?\b", table))
    ranges = {"CFACT029", "CFACT030", "CFACT031", "CFACT033", "CFACT034", "CFACT035",
              "CFACT036"}  # printed as CFACT029/030/031 and CFACT033-036
    assert set(errors.ERRORS) - SANDBOX_OWN <= listed | ranges


@pytest.mark.xdist_group("source-tree")  # with the catalog extraction: see tests/test_i18n.py
def test_no_product_code_depends_on_a_sandbox_own_code() -> None:
    pattern = re.compile("|".join(re.escape(code) + r"\b" for code in SANDBOX_OWN))
    skipped = {"tests", "ebh_sandbox", "node_modules", "var"}
    product = [path for path in REPO_ROOT.rglob("*.py")
               if not any(part in skipped or part.startswith(".")
                          for part in path.relative_to(REPO_ROOT).parts)]
    assert product
    assert [str(path) for path in product if pattern.search(path.read_text())] == []


def test_the_package_docstring_names_where_the_sandbox_is_stricter() -> None:
    assert "Where the real service is unknown, the sandbox is stricter" in ebh_sandbox.__doc__
