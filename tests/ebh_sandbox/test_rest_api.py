"""The sandbox's REST API over real HTTP: sessions, tokens, every endpoint, limits and codes."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.rest_builders import DATE, Rest, error

# ---------------------------------------------------------------------------------------------
# Sessions and API tokens
# ---------------------------------------------------------------------------------------------


def _session(sb: SandboxProcess, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{sb.rest_url}/v1/session", json=body, timeout=10)


def test_add_account_prints_an_api_token_that_opens_a_session(sb: SandboxProcess,
                                                              account: dict[str, Any]) -> None:
    answer = _session(sb, {"accessToken": account["api_token"], "source": "Facturen 1"})
    assert answer.status_code == 200
    assert set(answer.json()) == {"token", "expiresIn"}
    assert answer.json()["expiresIn"] == 3600
    assert account["api_tokens"] == {account["administrations"][0]: account["api_token"]}


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"accessToken": "x"}, 400, "API_SESSION_001"),
    ({"accessToken": "x", "source": "Fac-turen"}, 400, "API_SESSION_002"),
    ({"accessToken": "x", "source": "elf tekens!"}, 400, "API_SESSION_002"),
    ({"source": "Facturen"}, 400, "API_SESSION_003"),
    ({"accessToken": "not-a-token", "source": "Facturen"}, 403, "SECURITY_001"),
])
def test_session_refusals(sb: SandboxProcess, body: dict[str, Any], status: int,
                          code: str) -> None:
    assert error(_session(sb, body)) == (status, code)


def test_every_data_call_needs_the_session_token_without_bearer(rest: Rest) -> None:
    url = f"{rest.base_url}/v1/ledger"
    assert error(requests.get(url, timeout=10)) == (401, "SECURITY_010")
    bearer = requests.get(url, headers={"Authorization": f"Bearer {rest.token}"}, timeout=10)
    assert error(bearer) == (401, "SECURITY_010")
    assert requests.get(url, headers={"Authorization": rest.token}, timeout=10).ok


def test_delete_session_ends_it(rest: Rest) -> None:
    assert rest.call("DELETE", "/v1/session").status_code == 204
    assert error(rest.get("/v1/ledger")) == (401, "SECURITY_010")


def test_an_expired_session_answers_security_010_and_a_new_one_works(
        sb: SandboxProcess, rest: Rest) -> None:
    sb.set_settings(rest_session_lifetime_s=0)
    rest.token = rest.open()
    assert error(rest.get("/v1/ledger")) == (401, "SECURITY_010")
    sb.set_settings(rest_session_lifetime_s=3600)
    rest.token = rest.open()
    assert rest.get("/v1/ledger").ok


def test_a_revoked_token_ends_its_sessions_and_opens_no_new_one(
        sb: SandboxProcess, account: dict[str, Any], rest: Rest) -> None:
    sb.revoke_api_token(account["api_token"])
    assert error(rest.get("/v1/ledger")) == (401, "SECURITY_010")
    refused = _session(sb, {"accessToken": account["api_token"], "source": "Facturen"})
    assert error(refused) == (403, "SECURITY_001")
    assert refused.json()["securityType"] == "0"
    fresh = sb.add_api_token(account["administrations"][0])
    assert Rest(sb.rest_url, fresh).get("/v1/ledger").ok


def test_an_expired_token_answers_api_session_004(sb: SandboxProcess,
                                                  account: dict[str, Any]) -> None:
    token = sb.add_api_token(account["administrations"][0], expires_in_s=3600)
    Rest(sb.rest_url, token)  # usable before its end date
    sb.expire_api_token(token)
    refused = _session(sb, {"accessToken": token, "source": "Facturen"})
    assert error(refused) == (403, "API_SESSION_004")


def test_one_token_is_one_administration(sb: SandboxProcess) -> None:
    account = sb.add_account("two-admins", administrations=2)
    first, second = account["administrations"]
    rest = Rest(sb.rest_url, sb.add_api_token(second))
    linked = rest.ok("GET", "/v1/administration/linked")
    assert [item["guid"] for item in linked["items"]] == [second]
    rest.add_relation("K001")
    assert sb.relations(second) and not sb.relations(first)


# ---------------------------------------------------------------------------------------------
# Master data, lists, paging and filters
# ---------------------------------------------------------------------------------------------


def test_ledgers_filter_on_code_and_category(rest: Rest) -> None:
    by_code = rest.ok("GET", "/v1/ledger", code="8000")
    assert [item["description"] for item in by_code["items"]] == ["Omzet hoog tarief"]
    assert by_code["count"] == 1
    debtors = rest.ok("GET", "/v1/ledger", category="DEB")["items"]
    assert [item["code"] for item in debtors] == ["1300"]
    like = rest.ok("GET", "/v1/ledger", **{"code[like]": "80%"})["items"]
    assert [item["code"] for item in like] == ["8000", "8010"]
    one = rest.ok("GET", f"/v1/ledger/{by_code['items'][0]['id']}")
    assert one["code"] == "8000"
    assert error(rest.get("/v1/ledger/99999")) == (404, "LEDG_011")


def test_master_data_lists(rest: Rest) -> None:
    products = rest.ok("GET", "/v1/product")["items"]
    assert [item["code"] for item in products] == ["ADV-UUR", "BOEK-01", "VERZEND"]
    units = {unit["id"]: unit["singular"] for unit in rest.ok("GET", "/v1/unit")["items"]}
    assert [units[item["unitId"]] for item in products] == ["uur", "stuk", "stuk"]
    assert [item["id"] for item in rest.ok("GET", "/v1/costcenter")["items"]] == [1, 2]
    templates = rest.ok("GET", "/v1/invoicetemplate")["items"]
    assert [item["name"] for item in templates] == ["Standaard", "Zakelijk"]


def test_5000_relations_come_in_3_calls_of_2000(sb: SandboxProcess, account: dict[str, Any],
                                                rest: Rest) -> None:
    sb.seed_relations(account["administrations"][0], 5000)
    pages = [rest.ok("GET", "/v1/relation", limit=2000, offset=offset)
             for offset in (0, 2000, 4000)]
    assert [len(page["items"]) for page in pages] == [2000, 2000, 1000]
    assert {page["count"] for page in pages} == {5000}
    codes = {item["code"] for page in pages for item in page["items"]}
    assert len(codes) == 5000
    assert len(rest.ok("GET", "/v1/relation")["items"]) == 100  # the default limit


@pytest.mark.parametrize(("params", "code"), [
    ({"limit": 0}, "PAGE_001"), ({"limit": 2001}, "PAGE_001"), ({"limit": "ten"}, "PAGE_001"),
    ({"offset": -1}, "PAGE_002"), ({"offset": "x"}, "PAGE_002"),
    ({"colour": "red"}, "ERR_002"), ({"code[gt]": "K"}, "ERR_002"),
])
def test_paging_and_filter_refusals(rest: Rest, params: dict[str, Any], code: str) -> None:
    assert error(rest.get("/v1/relation", **params)) == (400, code)


# ---------------------------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------------------------


def test_relation_create_find_update(rest: Rest) -> None:
    rel_id = rest.add_relation("K001", emailAddress="info@klant.nl", city="Zwolle")
    found = rest.ok("GET", "/v1/relation", code="k001")  # codes match in any case
    assert [item["id"] for item in found["items"]] == [rel_id]
    assert rest.call("PATCH", f"/v1/relation/{rel_id}",
                     {"name": "Nieuwe naam", "city": "Deventer"}).status_code == 204
    item = rest.ok("GET", f"/v1/relation/{rel_id}")
    assert (item["name"], item["city"], item["emailAddress"], item["code"]) == (
        "Nieuwe naam", "Deventer", "info@klant.nl", "K001")
    by_name = rest.ok("GET", "/v1/relation", **{"name[like]": "%nieuwe%"})["items"]
    assert [entry["id"] for entry in by_name] == [rel_id]


@pytest.mark.parametrize(("body", "code"), [
    ({"code": "K" * 16, "name": "X"}, "REL_006"),
    ({"code": "K002"}, "REL_002"),
    ({"code": "K002", "name": "N" * 101}, "REL_003"),
    ({"code": "K002", "name": "X", "type": "Q"}, "REL_001"),
    ({"name": "X"}, "REL_005"),
    ({"code": "k001", "name": "X"}, "REL_049"),
])
def test_relation_refusals(rest: Rest, body: dict[str, Any], code: str) -> None:
    rest.add_relation("K001")
    assert error(rest.post("/v1/relation", body)) == (400, code)


def test_relation_update_refusals(rest: Rest) -> None:
    rel_id = rest.add_relation("K001")
    assert error(rest.call("PATCH", "/v1/relation/999", {"name": "X"})) == (404, "REL_055")
    assert error(rest.call("PATCH", f"/v1/relation/{rel_id}", {"city": "X"})) == (400, "REL_002")
    assert error(rest.get("/v1/relation/999")) == (404, "REL_055")


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


def test_mutation_create_list_and_read_with_rows(rest: Rest) -> None:
    rel_id = rest.add_relation()
    body = rest.sales_invoice(rel_id, rows=[
        rest.row(100, description="Advies"), rest.row("10.00", "LAAG_VERK_9", "8010")])
    body["rows"][1]["amount"] = 10
    nr = rest.book(body)
    listed = rest.ok("GET", "/v1/mutation", invoiceNumber="f2024-001")
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["id"], item["type"], item["amount"]) == (nr, "2", 131.9)
    assert "rows" not in item
    full = rest.ok("GET", f"/v1/mutation/{nr}")
    assert [(row["amount"], row["vatAmount"], row["vatCode"]) for row in full["rows"]] == [
        (100.0, 21.0, "HOOG_VERK_21"), (10.0, 0.9, "LAAG_VERK_9")]
    assert full["rows"][0]["description"] == "Advies"
    assert (full["relationId"], full["termOfPayment"], full["inExVat"]) == (rel_id, 14, "EX")
    assert error(rest.get("/v1/mutation/999")) == (404, "MUT_300")


def test_mutation_list_filters_on_date_range_type_and_id(rest: Rest) -> None:
    rel_id = rest.add_relation()
    first = rest.book(rest.sales_invoice(rel_id, "F1", date="2024-01-10"))
    second = rest.book(rest.sales_invoice(rel_id, "F2", date="2024-02-10"))
    in_range = rest.ok("GET", "/v1/mutation", **{"date[range]": "2024-02-01,2024-02-29"})
    assert [item["id"] for item in in_range["items"]] == [second]
    assert [item["id"] for item in rest.ok("GET", "/v1/mutation", id=first)["items"]] == [first]
    assert rest.ok("GET", "/v1/mutation", type=7)["count"] == 0
    assert rest.ok("GET", "/v1/mutation", **{"date[gte]": "2024-01-10"})["count"] == 2


def test_each_rows_vat_is_computed_half_up_row_by_row(rest: Rest) -> None:
    rel_id = rest.add_relation()
    # 0.50 x 21 % = 0.105: half-up 0.11 per row (half-even would give 0.10)
    nr = rest.book(rest.sales_invoice(rel_id, rows=[rest.row(0.5), rest.row(0.5)]))
    assert [row["vatAmount"] for row in rest.ok("GET", f"/v1/mutation/{nr}")["rows"]] == [
        0.11, 0.11]
    incl = rest.book(rest.sales_invoice(rel_id, "F-IN", inExVat="IN", rows=[rest.row(121)]))
    row = rest.ok("GET", f"/v1/mutation/{incl}")["rows"][0]
    assert (row["amount"], row["vatAmount"]) == (121.0, 21.0)


def test_divergent_codes_take_the_vat_amount_as_sent(rest: Rest) -> None:
    rel_id = rest.add_relation()
    nr = rest.book(rest.sales_invoice(rel_id, rows=[rest.row(100, "AFW_VERK", vatAmount=3.33)]))
    assert rest.ok("GET", f"/v1/mutation/{nr}")["rows"][0]["vatAmount"] == 3.33


def test_description_limit_is_50_characters(rest: Rest) -> None:
    rel_id = rest.add_relation()
    assert rest.book(rest.sales_invoice(rel_id, "F50", description="x" * 50))
    refused = rest.post("/v1/mutation", rest.sales_invoice(rel_id, "F51", description="x" * 51))
    assert error(refused) == (400, "SANDBOX_VALIDATION")
    assert refused.json()["propertyName"] == "description"
    assert rest.ok("GET", "/v1/mutation", invoiceNumber="F51")["count"] == 0


def test_500_rows_pass_and_501_do_not(rest: Rest) -> None:
    rel_id = rest.add_relation()
    assert rest.book(rest.sales_invoice(rel_id, rows=[rest.row(1)] * 500))
    too_many = rest.sales_invoice(rel_id, "F2", rows=[rest.row(1)] * 501)
    assert error(rest.post("/v1/mutation", too_many)) == (400, "MUT_101")


def _purchase(rest: Rest, relation_id: int, number: str) -> dict[str, Any]:
    return {"type": 1, "date": DATE, "ledgerId": rest.ledger("1600"), "relationId": relation_id,
            "invoiceNumber": number, "termOfPayment": 30, "inExVat": "EX",
            "description": "Inkoop", "rows": [rest.row(50, "HOOG_INK_21", "4000")]}


def test_duplicates_are_refused(rest: Rest) -> None:
    rel_id = rest.add_relation()
    rest.book(rest.sales_invoice(rel_id, "F1"))
    assert error(rest.post("/v1/mutation", rest.sales_invoice(rel_id, "f1"))) == (400, "MUT_019")
    supplier, other = rest.add_relation("L001"), rest.add_relation("L002")
    rest.book(_purchase(rest, supplier, "INK-1"))
    assert error(rest.post("/v1/mutation", _purchase(rest, supplier, "INK-1"))) == (
        400, "MUT_020")
    assert rest.book(_purchase(rest, other, "INK-1"))  # another supplier's number may repeat


def _mutation_refusals() -> list[tuple[dict[str, Any], str]]:
    return [
        ({"type": None}, "MUTA_002"), ({"type": 8}, "MUTA_009"), ({"date": None}, "MUT_003"),
        ({"date": "01-05-2024"}, "MUT_004"), ({"ledgerId": None}, "MUTA_001"),
        ({"ledgerId": 99999}, "MUT_007"), ({"relationId": 99999}, "MUT_013"),
        ({"relationId": None}, "MUT_012"), ({"inExVat": None}, "MUTA_005"),
        ({"inExVat": "INCL"}, "MUT_017"), ({"rows": []}, "MUT_100"),
        ({"invoiceNumber": "F" * 51}, "MUT_018"), ({"invoiceNumber": None}, "MUT_002"),
    ]


@pytest.mark.parametrize(("change", "code"), _mutation_refusals())
def test_mutation_refusals(rest: Rest, change: dict[str, Any], code: str) -> None:
    body = {**rest.sales_invoice(rest.add_relation()), **change}
    assert error(rest.post("/v1/mutation", body)) == (400, code)
    assert rest.ok("GET", "/v1/mutation")["count"] == 0  # nothing half-stored


@pytest.mark.parametrize(("row", "date", "code"), [
    ({"vatAmount": 21}, DATE, "MUTA_003"),
    ({"vatCode": "HOOG_INK_21"}, DATE, "MUT_111"),
    ({"vatCode": "HOOG_VERK"}, DATE, "MUT_109"),
    ({"vatCode": "LAAG_VERK"}, DATE, "MUT_109"),  # 6 %: only before 2019
    ({"vatCode": "LAAG_VERK_9"}, "2018-12-31", "MUT_109"),
    ({"ledgerId": 99999}, DATE, "MUT_104"),
    ({"ledgerId": None}, DATE, "MUTA_004"),
    ({"costCenterId": 77}, DATE, "MUT_117"),
    ({"amount": "100"}, DATE, "SANDBOX_VALIDATION"),
    ({"amount": 1.005}, DATE, "SANDBOX_VALIDATION"),
])
def test_row_refusals(rest: Rest, row: dict[str, Any], date: str, code: str) -> None:
    body = rest.sales_invoice(rest.add_relation(), date=date, rows=[{**rest.row(), **row}])
    assert error(rest.post("/v1/mutation", body)) == (400, code)


def test_the_old_low_rate_books_before_2019(rest: Rest) -> None:
    body = rest.sales_invoice(rest.add_relation(), date="2018-06-01",
                              rows=[rest.row(100, "LAAG_VERK", "8010")])
    nr = rest.book(body)
    assert rest.ok("GET", f"/v1/mutation/{nr}")["rows"][0]["vatAmount"] == 6.0


def test_outstanding_invoices(rest: Rest) -> None:
    rel_id = rest.add_relation()
    nr = rest.book(rest.sales_invoice(rel_id, "F1"))
    assert error(rest.get("/v1/mutation/invoice/outstanding")) == (400, "MUTA_006")
    assert error(rest.get("/v1/mutation/invoice/outstanding", credDeb="X")) == (400, "MUTA_007")
    items = rest.ok("GET", "/v1/mutation/invoice/outstanding", credDeb="D")["items"]
    assert [(i["mutationId"], i["relationId"], i["outstandingAmount"]) for i in items] == [
        (nr, rel_id, 121.0)]
    payment = {"type": 3, "date": DATE, "ledgerId": rest.ledger("1010"), "relationId": rel_id,
               "invoiceNumber": "F1", "inExVat": "EX", "description": "Betaling F1",
               "rows": [rest.row(121, "GEEN", "1300")]}
    rest.book(payment)
    assert rest.ok("GET", "/v1/mutation/invoice/outstanding", credDeb="D")["count"] == 0


# ---------------------------------------------------------------------------------------------
# Invoices (the invoicing module)
# ---------------------------------------------------------------------------------------------


def _invoice(rest: Rest, relation_id: int, number: str | None = "F2024-100",
             **fields: Any) -> dict[str, Any]:
    return {
        "relationId": relation_id, "templateId": rest.template(), "termOfPayment": 14, "date": DATE,
        "invoiceNumber": number, "inExVat": "EX",
        "items": [{"quantity": 2, "pricePerUnit": 50, "description": "Advies",
                   "vatCode": "HOOG_VERK_21", "ledgerId": rest.ledger("8000")}],
        **fields,
    }


def test_invoice_with_booking(rest: Rest) -> None:
    rel_id = rest.add_relation()
    made = rest.ok("POST", "/v1/invoice", _invoice(rest, rel_id, mutation={"description": "F"}))
    assert (made["invoiceNumber"], made["totalExcl"], made["vatAmount"], made["totalAmount"]) == (
        "F2024-100", 100.0, 21.0, 121.0)
    assert "/administratie/" in made["urlPdfFile"]
    listed = rest.ok("GET", "/v1/invoice", invoiceNumber="F2024-100")["items"]
    assert [item["id"] for item in listed] == [made["id"]]
    assert rest.ok("GET", f"/v1/invoice/{made['id']}")["relationId"] == rel_id
    booked = rest.ok("GET", "/v1/mutation", invoiceNumber="F2024-100")["items"]
    assert [item["amount"] for item in booked] == [121.0]
    assert error(rest.post("/v1/invoice", _invoice(rest, rel_id))) == (400, "FACT_101")
    assert rest.ok("POST", "/v1/invoice", _invoice(rest, rel_id, None))["invoiceNumber"]


@pytest.mark.parametrize(("change", "code"), [
    ({"templateId": 999999}, "FACT_018"), ({"relationId": None}, "FACT_001"),
    ({"relationId": 999}, "FACT_002"), ({"termOfPayment": None}, "FACT_015"),
    ({"items": []}, "FACT_019"), ({"date": None}, "FACT_011"), ({"inExVat": "X"}, "FACT_010"),
])
def test_invoice_refusals(rest: Rest, change: dict[str, Any], code: str) -> None:
    body = {**_invoice(rest, rest.add_relation()), **change}
    assert error(rest.post("/v1/invoice", body)) == (400, code)


def test_invoice_item_refusals(rest: Rest) -> None:
    body = _invoice(rest, rest.add_relation())
    body["items"][0]["vatAmount"] = 1
    assert error(rest.post("/v1/invoice", body)) == (400, "FACT_ITEM_015")
    body["items"][0].pop("vatAmount")
    body["items"][0]["ledgerId"] = 99999
    assert error(rest.post("/v1/invoice", body)) == (400, "FACT_ITEM_012")
