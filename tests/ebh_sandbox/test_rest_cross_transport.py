"""One store behind both transports: what one books the other sees, with the same ids,
numbers and uniqueness rules."""

from __future__ import annotations

import datetime as dt
import urllib.request
from typing import Any

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.builders import (
    Api,
    error_code,
    invoice,
    mutation,
    mutation_filter,
    relation,
)
from tests.ebh_sandbox.rest_builders import Rest, error


def test_a_soap_relation_and_booking_read_over_rest(api: Api, rest: Rest) -> None:
    rel_id = api.add_relation("K001")
    nr = api.book(Factuurnummer="F-SOAP-1")
    found = rest.ok("GET", "/v1/relation", code="K001")["items"]
    assert [item["id"] for item in found] == [rel_id]
    listed = rest.ok("GET", "/v1/mutation", invoiceNumber="F-SOAP-1")["items"]
    assert [item["id"] for item in listed] == [nr]
    full = rest.ok("GET", f"/v1/mutation/{nr}")
    assert (full["relationId"], full["rows"][0]["amount"], full["rows"][0]["vatAmount"]) == (
        rel_id, 100.0, 21.0)


def test_a_rest_relation_and_booking_read_over_soap(api: Api, rest: Rest) -> None:
    rel_id = rest.add_relation("K001", city="Zwolle")
    nr = rest.book(rest.sales_invoice(rel_id, "F-REST-1", rows=[rest.row(200)]))
    relations = api.ok("GetRelaties", cFilter={"Code": "K001", "Trefwoord": "", "ID": 0})
    rel = relations.Relaties.cRelatie[0]
    assert (rel.ID, rel.Plaats) == (rel_id, "Zwolle")
    found = api.ok("GetMutaties", cFilter=mutation_filter(Factuurnummer="F-REST-1"))
    booked = found.Mutaties.cMutatieList[0]
    line = booked.MutatieRegels.cMutatieListRegel[0]
    assert (booked.MutatieNr, booked.RelatieCode, booked.Rekening) == (nr, "K001", "1300")
    assert (line.BedragExclBTW, line.BedragBTW, line.BedragInclBTW) == (200, 42, 242)


def test_numbers_and_codes_are_unique_across_transports(api: Api, rest: Rest) -> None:
    rel_id = api.add_relation("K001")
    api.book(Factuurnummer="F1")
    assert error(rest.post("/v1/mutation", rest.sales_invoice(rel_id, "f1"))) == (400, "MUT_019")
    rest.book(rest.sales_invoice(rel_id, "F2"))
    again = api("AddMutatie", oMut=mutation(Factuurnummer="F2"))
    assert error_code(again) == "CMUT019"
    rest.add_relation("K002")
    assert error_code(api("AddRelatie", oRel=relation("k002"))) == "CREL001"
    assert error(rest.post("/v1/relation", {"code": "K001", "name": "X"})) == (400, "REL_049")
    # ids count on from one counter: the next relation is the third, whatever the transport
    assert rest.add_relation("K003") == 3


def test_invoice_numbers_are_shared_with_the_soap_invoicing_module(api: Api, rest: Rest) -> None:
    api.add_relation("K001")
    api.ok("AddFactuur", oFact=invoice(Factuurnummer="F-MOD-1"))
    rel_id = rest.ok("GET", "/v1/relation", code="K001")["items"][0]["id"]
    body = {"relationId": rel_id, "templateId": rest.template(), "termOfPayment": 14,
            "date": "2024-05-01", "invoiceNumber": "F-MOD-1",
            "items": [{"quantity": 1, "pricePerUnit": 10, "description": "X",
                       "vatCode": "HOOG_VERK_21", "ledgerId": rest.ledger("8000")}]}
    assert error(rest.post("/v1/invoice", body)) == (400, "FACT_101")
    listed = rest.ok("GET", "/v1/invoice", invoiceNumber="F-MOD-1")["items"]
    assert [(item["totalExcl"], item["relationId"]) for item in listed] == [(100.0, rel_id)]
    made = rest.ok("POST", "/v1/invoice", {**body, "invoiceNumber": "F-MOD-2"})
    soap = api.ok("GetFacturen", cFilter={"Factuurnummer": "F-MOD-2", "Relatiecode": "",
                                          "DatumVan": dt.date(2000, 1, 1),
                                          "DatumTm": dt.date(2100, 1, 1)})
    assert soap.Facturen.cFactuurList[0].TotaalInclBTW == made["totalAmount"]


def test_the_web_page_and_readouts_show_the_transport(sb: SandboxProcess, api: Api,
                                                      account: dict[str, Any],
                                                      rest: Rest) -> None:
    rel_id = api.add_relation("K001")
    api.book(Factuurnummer="F-SOAP")
    rest.book(rest.sales_invoice(rel_id, "F-REST"))
    guid = account["administrations"][0]
    assert [(m["factuurnummer"], m["transport"]) for m in sb.mutations(guid)] == [
        ("F-SOAP", "SOAP"), ("F-REST", "REST")]
    admin_id = _admin_page_id(sb, account["username"])
    with urllib.request.urlopen(f"{sb.url}/administratie/{admin_id}", timeout=10) as page:
        html = page.read().decode()
    assert "<th>Via</th>" in html
    assert "<td>REST</td>" in html and "<td>SOAP</td>" in html
    assert "POST /v1/mutation" in html  # the call log names the route


def _admin_page_id(sb: SandboxProcess, username: str) -> int:
    with urllib.request.urlopen(f"{sb.url}/", timeout=10) as page:
        html = page.read().decode()
    marker = html.index(f"<td>{username}</td>")
    start = html.rindex('href="/administratie/', 0, marker) + len('href="/administratie/')
    return int(html[start: html.index('"', start)])
