"""The sandbox's REST answers against e-Boekhouden's own OpenAPI document.

Every answer below (status code and JSON body) is checked against the response schema the
document gives for that path, method and status, with ``jsonschema`` (draft 2020-12, which
OpenAPI 3.1 uses) and the document as a ``referencing`` registry. The document's examples are
PascalCase; its schemas and the live API camelCase: the schemas are what is validated.

Where the document is wrong or contradicts itself, a narrow exception, each named here:

1. The list envelopes (``ListDtoOf...``) reference item schemas that the document does not
   contain (``RelationsResponseDto``, ``MutationsResponseDto``, ``LedgersResponseDto`` ...).
   Those references resolve to an empty schema here; instead every key of a list item must
   appear (camelCased) in the document's own example item for that list.
2. 401 answers are documented without a body; the sandbox answers the ``Error`` shape
   (SECURITY_010), validated against ``#/components/schemas/Error``. The same for 429 and
   500, which the document does not list at all (throttling and fault injection).
3. ``GET /v1/mutation/invoice/outstanding`` lists no 400 though the document's error table has
   MUTA_006 "Credit/Debit is missing" for exactly that call: validated against ``Error``.
4. Contradictions the sandbox settles by the schema, not the examples: ``type`` of a mutation
   is the ``MutationType`` string enum ("2"), though the examples show the number 2; ``errors``
   is an array of strings, though the error example shows an object. Clients should take both.
5. ``CreateRelation`` has neither ``code`` nor ``type``, though its example sends both and the
   error table has REL_005/REL_006/REL_049 for the code: the sandbox takes both.
6. Some dates are typed ``object`` with ``format: date`` (``date`` of GET /v1/invoice/{id},
   ``mandateSignedDate``): a date is a string (``YYYY-MM-DD``) everywhere else in the document
   and in its examples, so those schemas are read as ``string``.

The document is read from ``../shared/ebh/rest-openapi.json`` beside the repository (never
copied into it); without it these tests are skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ebh_sandbox.rest_errors import SANDBOX_CODES, TITLES
from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.conftest import SHARED
from tests.ebh_sandbox.rest_builders import DATE, Rest

DOCUMENT = SHARED / "ebh" / "rest-openapi.json"
BASE = "urn:ebh-rest-openapi"
UNDOCUMENTED_ERROR_STATUSES = {401, 429, 500}  # exception 2
MISSING_400 = {("get", "/v1/mutation/invoice/outstanding")}  # exception 3


class Contract:
    def __init__(self, path: Path) -> None:
        self.doc = json.loads(path.read_text())
        schemas = self.doc["components"]["schemas"]
        refs = set(re.findall(r'"#/components/schemas/([^"]+)"', path.read_text()))
        self.missing = sorted(refs - set(schemas))
        for name in self.missing:  # exception 1
            schemas[name] = {}
        self.object_dates = _fix_object_dates(self.doc)  # exception 6
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(BASE, resource)

    def validate(self, method: str, template: str, answer: requests.Response) -> None:
        status = answer.status_code
        responses = self.doc["paths"][template][method]["responses"]
        undocumented = status in UNDOCUMENTED_ERROR_STATUSES or (
            status == 400 and (method, template) in MISSING_400)
        assert str(status) in responses or undocumented, (method, template, status)
        if status == 204:
            assert answer.content == b""
            return
        pointer = "/components/schemas/Error"
        if not undocumented:
            base = f"/paths/{_escape(template)}/{method}/responses/{status}"
            pointer = f"{base}/content/application~1json/schema"
        validator = Draft202012Validator({"$ref": f"{BASE}#{quote(pointer)}"},
                                         registry=self.registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(answer.json()), key=str)
        assert not errors, f"{method.upper()} {template} {status}: {errors[0]}"

    def example_item_keys(self, method: str, template: str) -> set[str]:
        content = self.doc["paths"][template][method]["responses"]["200"]["content"]
        example = content["application/json"]["example"]
        return {key[0].lower() + key[1:] for key in example["Items"][0]}

    def error_table(self) -> dict[str, str]:
        text = json.dumps(self.doc["info"])
        rows = re.findall(r'<a name=\\"([A-Z_0-9]+)\\">[A-Z_0-9]+</a></td><td>(.*?)</td>', text)
        return dict(rows)


def _fix_object_dates(node: Any) -> int:
    """Read ``{"type": "object", "format": "date"}`` as a string; count the fixes."""
    fixed = 0
    if isinstance(node, dict):
        kind = node.get("type")
        if node.get("format") == "date" and kind in ("object", ["null", "object"]):
            node["type"] = "string" if kind == "object" else ["null", "string"]
            fixed += 1
        return fixed + sum(_fix_object_dates(value) for value in node.values())
    if isinstance(node, list):
        return sum(_fix_object_dates(value) for value in node)
    return 0


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


@pytest.fixture(scope="module")
def contract() -> Contract:
    if not DOCUMENT.exists():
        pytest.skip(f"{DOCUMENT} is missing: the REST contract tests need "
                    "../shared/ebh/rest-openapi.json beside the repository")
    return Contract(DOCUMENT)


def test_the_documents_gaps_are_the_ones_named_above(contract: Contract) -> None:
    assert "RelationsResponseDto" in contract.missing
    assert "MutationsResponseDto" in contract.missing
    assert contract.object_dates >= 1


class _Fake:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self.content = status, json.dumps(body).encode()

    def json(self) -> Any:
        return json.loads(self.content)


def test_the_validation_itself_catches_a_wrong_body(contract: Contract) -> None:
    with pytest.raises(AssertionError):
        contract.validate("get", "/v1/mutation/{id}", _Fake(200, {"id": "one", "type": 2}))
    with pytest.raises(AssertionError):
        contract.validate("post", "/v1/session", _Fake(200, {"token": "t"}))
    with pytest.raises(AssertionError):  # a status the document does not list
        contract.validate("post", "/v1/relation", _Fake(409, {}))


def test_every_documented_code_the_sandbox_uses_has_the_documents_title(
        contract: Contract) -> None:
    table = contract.error_table()
    assert len(table) > 300
    for code, title in TITLES.items():
        if code not in SANDBOX_CODES:
            assert table.get(code) == title, code
    assert not SANDBOX_CODES & set(table)


def test_session_answers(contract: Contract, sb: SandboxProcess,
                         account: dict[str, Any]) -> None:
    url = f"{sb.rest_url}/v1/session"
    for body in ({"accessToken": account["api_token"], "source": "Facturen"},
                 {"accessToken": account["api_token"], "source": "Fac-turen"},
                 {"accessToken": "unknown", "source": "Facturen"}):
        contract.validate("post", "/v1/session", requests.post(url, json=body, timeout=10))
    token = sb.add_api_token(account["administrations"][0])
    sb.expire_api_token(token)
    expired = requests.post(url, json={"accessToken": token, "source": "x"}, timeout=10)
    assert expired.status_code == 403
    contract.validate("post", "/v1/session", expired)
    rest = Rest(sb.rest_url, account["api_token"])
    contract.validate("delete", "/v1/session", rest.call("DELETE", "/v1/session"))
    contract.validate("get", "/v1/ledger", rest.get("/v1/ledger"))  # 401 after the end


LISTS = ("/v1/administration/linked", "/v1/ledger", "/v1/costcenter", "/v1/product", "/v1/unit",
         "/v1/invoicetemplate", "/v1/relation", "/v1/mutation", "/v1/invoice")


def _book_everything(rest: Rest) -> dict[str, int]:
    rel_id = rest.add_relation("K001", city="Zwolle", emailAddress="a@b.nl")
    nr = rest.book(rest.sales_invoice(rel_id, "F1", rows=[rest.row(100, description="X")]))
    invoice = rest.ok("POST", "/v1/invoice", {
        "relationId": rel_id, "templateId": rest.template(), "termOfPayment": 14,
        "date": DATE, "invoiceNumber": "F2", "mutation": {"description": "F2"},
        "items": [{"quantity": 1, "pricePerUnit": 10, "description": "X",
                   "vatCode": "HOOG_VERK_21", "ledgerId": rest.ledger("8000")}]})
    return {"relation": rel_id, "mutation": nr, "invoice": invoice["id"]}


def test_list_answers_and_their_items(contract: Contract, rest: Rest) -> None:
    _book_everything(rest)
    for template in LISTS:
        answer = rest.get(template)
        contract.validate("get", template, answer)
        items = answer.json()["items"]
        assert items, template
        allowed = contract.example_item_keys("get", template)
        for item in items:
            assert set(item) <= allowed, (template, set(item) - allowed)
    outstanding = rest.get("/v1/mutation/invoice/outstanding", credDeb="D")
    contract.validate("get", "/v1/mutation/invoice/outstanding", outstanding)
    assert set(outstanding.json()["items"][0]) <= contract.example_item_keys(
        "get", "/v1/mutation/invoice/outstanding")


def test_single_records_and_creations(contract: Contract, rest: Rest) -> None:
    ids = _book_everything(rest)
    ledger = rest.ledger("8000")
    for template, record in (("/v1/relation/{id}", ids["relation"]),
                             ("/v1/mutation/{id}", ids["mutation"]),
                             ("/v1/ledger/{id}", ledger),
                             ("/v1/invoice/{id}", ids["invoice"])):
        path = template.replace("{id}", str(record))
        contract.validate("get", template, rest.get(path))
        contract.validate("get", template, rest.get(template.replace("{id}", "999999")))
    contract.validate("post", "/v1/relation", rest.post("/v1/relation",
                                                         {"code": "K2", "name": "Twee"}))
    contract.validate("patch", "/v1/relation/{id}", rest.call(
        "PATCH", f"/v1/relation/{ids['relation']}", {"name": "Nieuw"}))
    contract.validate("post", "/v1/mutation", rest.post(
        "/v1/mutation", rest.sales_invoice(ids["relation"], "F3")))
    contract.validate("post", "/v1/invoice", rest.post("/v1/invoice", {
        "relationId": ids["relation"], "templateId": rest.template(), "termOfPayment": 7,
        "date": DATE, "items": [{"quantity": 1, "pricePerUnit": 1, "description": "X",
                                 "vatCode": "GEEN", "ledgerId": ledger}]}))


def test_error_answers(contract: Contract, sb: SandboxProcess, rest: Rest) -> None:
    rel_id = rest.add_relation("K001")
    cases = [
        ("post", "/v1/relation", rest.post("/v1/relation", {"code": "k001", "name": "X"})),
        ("patch", "/v1/relation/{id}", rest.call("PATCH", "/v1/relation/999", {"name": "X"})),
        ("get", "/v1/relation", rest.get("/v1/relation", limit=0)),
        ("post", "/v1/mutation", rest.post("/v1/mutation", rest.sales_invoice(
            rel_id, description="x" * 51))),
        ("post", "/v1/mutation", rest.post("/v1/mutation", {"type": 2})),
        ("post", "/v1/invoice", rest.post("/v1/invoice", {"relationId": rel_id})),
        ("get", "/v1/mutation/invoice/outstanding", rest.get("/v1/mutation/invoice/outstanding")),
    ]
    for method, template, answer in cases:
        assert answer.status_code in (400, 404), answer.text
        contract.validate(method, template, answer)
    sb.set_faults(http500_rate=1.0, operations=["GetMutaties"])
    contract.validate("get", "/v1/mutation", rest.get("/v1/mutation"))
    sb.set_faults(throttle_burst=1, throttle_window_s=60)
    rest.get("/v1/ledger")
    throttled = rest.get("/v1/ledger")
    assert throttled.status_code == 429
    contract.validate("get", "/v1/ledger", throttled)
