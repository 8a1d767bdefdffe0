"""A tiny REST client for the sandbox tests (requests over real HTTP) and body builders."""

from __future__ import annotations

from typing import Any

import requests

DATE = "2024-05-01"


class Rest:
    """An open REST session on one administration: ``rest.get("/v1/ledger", code="8000")``."""

    def __init__(self, base_url: str, api_token: str, source: str = "pytest") -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.api_token = api_token
        self.token = self.open(source)
        self._ledgers: dict[str, int] | None = None

    def open(self, source: str = "pytest") -> str:
        answer = self.http.post(f"{self.base_url}/v1/session",
                                json={"accessToken": self.api_token, "source": source}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["token"]

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
        return self.http.request(method, f"{self.base_url}{path}", json=body, params=params,
                                 headers={"Authorization": self.token}, timeout=10)

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.call("GET", path, **params)

    def post(self, path: str, body: Any) -> requests.Response:
        return self.call("POST", path, body)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        answer = self.call(method, path, body, **params)
        assert answer.status_code in (200, 201, 204), answer.text
        return answer.json() if answer.content else None

    def ledger(self, code: str) -> int:
        if self._ledgers is None:
            items = self.ok("GET", "/v1/ledger", limit=2000)["items"]
            self._ledgers = {item["code"]: item["id"] for item in items}
        return self._ledgers[code]

    def template(self, name: str = "Standaard") -> int:
        items = self.ok("GET", "/v1/invoicetemplate", name=name)["items"]
        return items[0]["id"]

    def add_relation(self, code: str = "K001", **fields: Any) -> int:
        return self.ok("POST", "/v1/relation", {"code": code, "name": f"Bedrijf {code}",
                                                "type": "B", **fields})["id"]

    def sales_invoice(self, relation_id: int, number: str = "F2024-001",
                      rows: list[dict[str, Any]] | None = None, **fields: Any) -> dict[str, Any]:
        """A type 2 (invoice sent) mutation body."""
        return {
            "type": 2, "date": DATE, "ledgerId": self.ledger("1300"), "relationId": relation_id,
            "invoiceNumber": number, "termOfPayment": 14, "inExVat": "EX",
            "description": f"Factuur {number}",
            "rows": rows if rows is not None else [self.row()], **fields,
        }

    def row(self, amount: Any = 100, code: str = "HOOG_VERK_21", contra: str = "8000",
            **fields: Any) -> dict[str, Any]:
        return {"ledgerId": self.ledger(contra), "vatCode": code, "amount": amount, **fields}

    def book(self, body: dict[str, Any]) -> int:
        return self.ok("POST", "/v1/mutation", body)["id"]


def error(answer: requests.Response) -> tuple[int, str]:
    """(HTTP status, error code) of an error answer."""
    return answer.status_code, answer.json().get("code")
