"""The REST implementation of :class:`eboekhouden.client.EbhClient` (e-Boekhouden's API v1,
``https://api.e-boekhouden.nl``), built on requests.

* One requests.Session per client, explicit connect and read timeouts (:class:`RestConfig`,
  given by the caller).
* A session is opened with an :class:`~eboekhouden.client.ApiToken` (``POST /v1/session``);
  its session token goes along as the ``Authorization`` header (no "Bearer"). The client
  keeps the API token of every session it opened, so that a session the service forgot
  (401, SECURITY_010) is renewed once, transparently, and the call tried once more.
* REST refers to ledgers, relations, cost centres and templates by numeric id where SOAP uses
  codes: the client keeps, per session, the ledger code -> id map (from one paged list call),
  the relation code <-> id pairs it has seen, and the invoice template name -> id map.
* Errors are the SOAP transport's classes (see :func:`error_for_status`): the product handles
  both transports alike. HTTP 429 is retried here, at most ``throttle_retries`` times, after
  the Retry-After the service asks for (bounded by ``max_throttle_wait``).
* Tokens never reach a log, a repr or an error message; the functions that hold them are
  wrapped by :func:`~eboekhouden.masking.sensitive` for error reports.

VAT in REST rows
----------------
A REST mutation row carries its amount excluding VAT (``inExVat: EX``) and a VAT code; for
every standard code e-Boekhouden computes the row's VAT itself, as the row's amount times the
code's rate, rounded half up to the cent, per row. Only the divergent codes ``AFW`` (purchase)
and ``AFW_VERK`` (sales) take a ``vatAmount`` from the caller. So the VAT booked for a rate is
the sum over that rate's rows of ``round_half_up(amount x rate)``, whatever VAT the invoice
shows. For it to equal the invoice's VAT per rate to the cent:

* form the rows as the SOAP mapping does: ONE row per (VAT code, contra account, cost centre),
  with the summed EX amount of the invoice lines that go there, never one row per invoice
  line. With a single row per rate the booked VAT is ``round_half_up(net x rate)``: exactly
  the invoice's VAT when the invoice computes VAT per rate on its net total (the product does).
* with several rows for one rate (lines on different accounts or cost centres) each row is
  rounded on its own, and the sum may differ from the invoice's VAT by up to half a cent per
  extra row. :func:`predicted_row_vat` computes what e-Boekhouden will book;
  :func:`vat_differences` compares it with the VAT the mapping put on the lines, so the
  booking preview can say so before anything is sent (the remedy, if one is wanted, is to
  book that rate on one row, or to use the divergent code with an explicit ``vatAmount``).

The document does not spell out e-Boekhouden's rounding; half up per row is what integrators
report and what the sandbox does, and the test that books the same invoices over both
transports checks the prediction against it.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import requests

from eboekhouden.client import (
    Administration,
    ApiToken,
    Article,
    AuthenticationError,
    CostCentre,
    Credentials,
    EbhClient,
    EbhError,
    InvoiceData,
    InvoiceSummary,
    LedgerAccount,
    MutationData,
    MutationLine,
    MutationSummary,
    OpenItem,
    RejectedError,
    Relation,
    RelationData,
    RelationRecord,
    Session,
    SessionError,
    TransientError,
)
from eboekhouden.masking import sensitive
from eboekhouden.transport import network_error, web_address

PAGE_SIZE = 2000  # the most records one list call answers
DESCRIPTION_LIMIT = 50  # a REST mutation's description (SOAP allows 200)
RELATION_CODE_LIMIT = 15
INVOICE_BOOKING_DESCRIPTION_LIMIT = 200

# enMutatieSoorten (SOAP) -> REST mutation type.
MUTATION_TYPES = {
    "FactuurOntvangen": 1,
    "FactuurVerstuurd": 2,
    "FactuurbetalingOntvangen": 3,
    "FactuurbetalingVerstuurd": 4,
    "GeldOntvangen": 5,
    "GeldUitgegeven": 6,
    "Memoriaal": 7,
}
MUTATION_KINDS = {number: kind for kind, number in MUTATION_TYPES.items()}
INVOICE_TYPES = frozenset({1, 2})  # carry a term of payment
PAYMENT_TYPES = frozenset({3, 4})  # rows refer to the invoice they pay

# The codes whose VAT the caller gives (vatAmount); e-Boekhouden computes every other one.
DIVERGENT_VAT_CODES = frozenset({"AFW", "AFW_VERK"})
# The rate e-Boekhouden charges per code (percent), for bookings from 2019 on (HOOG was 19 %
# before 2012-10-01; LAAG_VERK/LAAG_INK are the 6 % codes before 2019). Reverse charge, EU,
# export and GEEN put no VAT on the invoice: 0.
VAT_RATES = {
    "HOOG_VERK_21": Decimal(21), "HOOG_INK_21": Decimal(21),
    "LAAG_VERK_9": Decimal(9), "LAAG_INK_9": Decimal(9),
    "LAAG_VERK": Decimal(6), "LAAG_INK": Decimal(6),
}
CENT = Decimal("0.01")

# The service's own codes, used when the client itself finds a reference it cannot resolve
# (the same refusal the service would answer).
UNKNOWN_LEDGER = "MUT_007"
UNKNOWN_ROW_LEDGER = "MUT_104"
UNKNOWN_RELATION = "MUT_013"
UNKNOWN_INVOICE_RELATION = "FACT_002"
UNKNOWN_TEMPLATE = "FACT_018"
UNKNOWN_ITEM_LEDGER = "FACT_ITEM_012"
RELATION_CODE_TOO_LONG = "REL_006"
SESSION_EXPIRED = "SECURITY_010"
# Codes of a refused source name: our configuration, not the user's token.
SOURCE_CODES = frozenset({"API_SESSION_001", "API_SESSION_002"})
# SECURITY_ codes that are business refusals (a closed period), not an access problem.
CLOSED_PERIOD_CODES = frozenset({"SECURITY_007", "SECURITY_008"})


@dataclass(frozen=True)
class RestConfig:
    """Where the service is, how long to wait for it (seconds) and how to meet throttling."""

    base_url: str = "https://api.e-boekhouden.nl"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    source: str = "Facturen"  # names our integration (sanitized: 1-10 of A-Z a-z 0-9 _ space)
    throttle_retries: int = 2  # extra attempts after an HTTP 429
    max_throttle_wait: float = 10.0  # the longest Retry-After honoured, per attempt
    page_size: int = PAGE_SIZE  # records per list call (1 to 2,000)


def rest_source(source: str) -> str:
    """``source`` as POST /v1/session accepts it: 1 to 10 letters, digits, _ or spaces (a
    hyphen is refused: API_SESSION_002)."""
    return re.sub(r"[^A-Za-z0-9_ ]", "", source).strip()[:10].strip() or "Facturen"


class _SessionState:
    """What the client remembers of one session it opened (keyed by its first token)."""

    def __init__(self, api_token: ApiToken, token: str) -> None:
        self.api_token = api_token
        self.token = token
        self.ledgers: dict[str, int] | None = None  # code -> id
        self.relations: dict[str, int] = {}  # code (casefolded: codes ignore case) -> id
        self.relation_codes: dict[int, str] = {}  # id -> code
        self.templates: dict[str, int] | None = None  # name -> id

    def __repr__(self) -> str:
        return "_SessionState(token=********)"

    def remember_relation(self, relation_id: int, code: str) -> None:
        if relation_id and code:
            self.relations[code.casefold()] = relation_id
            self.relation_codes[relation_id] = code


class RestClient(EbhClient):
    mutation_lookup_cap = None  # every list is read to its end
    lists_mutation_relations = False  # GET /v1/mutation has no relation; see get_mutaties

    def __init__(self, config: RestConfig) -> None:
        self.config = config
        self.http = requests.Session()
        self._sessions: dict[str, _SessionState] = {}

    def __repr__(self) -> str:
        return f"RestClient(base_url={self.base_url!r})"

    @property
    def base_url(self) -> str:
        return self.config.base_url.rstrip("/")

    # --- HTTP ---------------------------------------------------------------------------------

    @sensitive
    def _send(self, method: str, path: str, token: str, params: dict | None,
              body: dict | None) -> requests.Response:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = token
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, default=_json_value)
        try:
            return self.http.request(
                method, f"{self.base_url}{path}", params=params, data=data, headers=headers,
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except requests.exceptions.RequestException as exc:
            raise network_error(exc, sent=method != "GET") from None

    @sensitive
    def _request(self, method: str, path: str, token: str = "", *, params: dict | None = None,
                 body: dict | None = None) -> Any:
        """One call, throttling waited out; the decoded answer (None when there is none) or
        the matching EbhError."""
        writes = method != "GET"
        for attempt in range(self.config.throttle_retries + 1):
            response = self._send(method, path, token, params, body)
            if response.status_code != 429:
                return _answer(response, writes=writes)
            if attempt < self.config.throttle_retries:
                time.sleep(self._throttle_wait(response, attempt))
        raise TransientError(TransientError.THROTTLED, "HTTP 429")

    def _throttle_wait(self, response: requests.Response, attempt: int) -> float:
        asked = _seconds(response.headers.get("Retry-After"))
        wait = asked if asked is not None else 0.5 * 2**attempt
        return min(max(wait, 0.0), self.config.max_throttle_wait)

    @sensitive
    def _data(self, session: Session, method: str, path: str, *, params: dict | None = None,
              body: dict | None = None) -> Any:
        """A call inside an open session; a session the service forgot is renewed once."""
        state = self._state(session)
        try:
            return self._request(method, path, state.token, params=params, body=body)
        except SessionError:
            self._renew(state)
            return self._request(method, path, state.token, params=params, body=body)

    def _state(self, session: Session) -> _SessionState:
        state = self._sessions.get(session.session_id)
        if state is None:
            raise SessionError(SESSION_EXPIRED, "not a session of this client")
        return state

    @sensitive
    def _renew(self, state: _SessionState) -> None:
        state.token = self._open(state.api_token)

    def _list(self, session: Session, path: str, params: dict | None = None) -> list[dict]:
        """Every record of a list, in pages (N records: ceil(N / 2000) calls)."""
        items: list[dict] = []
        size = self.config.page_size
        while True:
            page = self._data(session, "GET", path,
                              params={**(params or {}), "limit": size, "offset": len(items)})
            batch = _field(page, "items") or []
            if not isinstance(batch, list):
                raise TransientError(TransientError.MALFORMED, f"{path}: items is no list")
            items += batch
            count = _int(_field(page, "count"), default=-1)
            full = len(items) >= count if count >= 0 else len(batch) < size
            if full or not batch:
                return items

    # --- sessions -----------------------------------------------------------------------------

    @sensitive
    def _open(self, api_token: ApiToken) -> str:
        try:
            answer = self._request("POST", "/v1/session", body={
                "accessToken": api_token.token, "source": rest_source(self.config.source)})
        except SessionError as exc:  # a 401 here: the token itself is refused
            raise AuthenticationError(exc.code, exc.description) from None
        token = str(_field(answer, "token") or "").strip()
        if not token:
            raise TransientError(TransientError.MALFORMED, "POST /v1/session returned no token")
        return token

    @sensitive
    def open_session(self, credentials: Credentials | ApiToken) -> Session:
        if not isinstance(credentials, ApiToken):
            raise TypeError("the REST transport opens sessions with an ApiToken")
        token = self._open(credentials)
        self._sessions[token] = _SessionState(credentials, token)
        return Session(session_id=token, security_code_2="")

    def open_session_sub(self, credentials: Credentials, administration_guid: str) -> Session:
        raise TypeError("REST has no sub-sessions: an API token belongs to one administration")

    @sensitive
    def close_session(self, session: Session) -> None:
        state = self._sessions.pop(session.session_id, None)
        token = state.token if state else session.session_id
        # Best effort by design: an unclosed session simply expires on the service's side.
        with contextlib.suppress(EbhError):
            self._request("DELETE", "/v1/session", token)

    # --- reads --------------------------------------------------------------------------------

    def get_administraties(self, session: Session) -> list[Administration]:
        return [
            Administration(guid=_text(item, "guid"), name=_text(item, "company"), city="",
                           start_boekjaar="")
            for item in self._list(session, "/v1/administration/linked")
            if _text(item, "guid")
        ]

    def get_grootboekrekeningen(
        self, session: Session, category: str | None = None
    ) -> list[LedgerAccount]:
        params = {"category": category} if category else {}
        ledgers = [
            LedgerAccount(id=_int(_field(item, "id")), code=_text(item, "code"),
                          description=_text(item, "description"),
                          category=_text(item, "category"), group=_text(item, "group"))
            for item in self._list(session, "/v1/ledger", params)
        ]
        if not category:
            self._state(session).ledgers = {ledger.code: ledger.id for ledger in ledgers}
        return ledgers

    def ledger_ids(self, session: Session) -> dict[str, int]:
        """The administration's ledger code -> id map: one (paged) list call per session."""
        state = self._state(session)
        if state.ledgers is None:
            self.get_grootboekrekeningen(session)
        return state.ledgers or {}

    def get_kostenplaatsen(self, session: Session) -> list[CostCentre]:
        return [
            CostCentre(id=_int(_field(item, "id")), description=_text(item, "description"),
                       parent_id=_int(_field(item, "parentId")))
            for item in self._list(session, "/v1/costcenter")
        ]

    def get_artikelen(self, session: Session) -> list[Article]:
        products = self._list(session, "/v1/product")
        accounts = {number: code for code, number in self.ledger_ids(session).items()}
        units = self._units(session) if any(_field(p, "unitId") for p in products) else {}
        return [_article(item, accounts, units) for item in products]

    def _units(self, session: Session) -> dict[int, str]:
        try:
            return {_int(_field(unit, "id")): _text(unit, "singular")
                    for unit in self._list(session, "/v1/unit")}
        except RejectedError:
            return {}  # the unit names are a nicety; the articles do without

    # --- relations ----------------------------------------------------------------------------

    def _relation_items(self, session: Session, params: dict) -> list[dict]:
        state = self._state(session)
        items = self._list(session, "/v1/relation", params)
        for item in items:
            state.remember_relation(_int(_field(item, "id")), _text(item, "code"))
        return items

    def get_relaties(self, session: Session, *, code: str) -> list[Relation]:
        return [
            Relation(id=_int(_field(item, "id")), code=_text(item, "code"),
                     name=_text(item, "name"))
            for item in self._relation_items(session, {"code": code})
        ]

    def find_relaties(
        self, session: Session, *, keyword: str = "", code: str = ""
    ) -> list[RelationRecord]:
        """REST has no keyword search: a keyword filters the names (``name[like]``). With no
        filter the whole relation list is read, 2,000 a call."""
        params = {"code": code} if code else {}
        if keyword:
            params["name[like]"] = f"%{keyword}%"
        return [RelationRecord(id=_int(_field(item, "id")), data=_relation_data(item))
                for item in self._relation_items(session, params)]

    @sensitive
    def add_relatie(self, session: Session, relation: RelationData) -> int:
        if len(relation.code) > RELATION_CODE_LIMIT:
            raise RejectedError(RELATION_CODE_TOO_LONG,
                                f"Code is too long (at most {RELATION_CODE_LIMIT} characters).")
        answer = self._data(session, "POST", "/v1/relation", body=_relation_payload(relation))
        relation_id = _created_id(answer, "POST /v1/relation")
        self._state(session).remember_relation(relation_id, relation.code)
        return relation_id

    def relation_id(self, session: Session, code: str, *, missing: str = UNKNOWN_RELATION) -> int:
        """The id of the relation with this code (remembered, or one look-up)."""
        state, key = self._state(session), code.casefold()
        if key not in state.relations:
            self.get_relaties(session, code=code)
        if key not in state.relations:
            raise RejectedError(missing, f"Relation {code} not found.")
        return state.relations[key]

    def relation_code(self, session: Session, relation_id: int) -> str:
        """The code of the relation with this id (remembered, or one look-up)."""
        state = self._state(session)
        if relation_id and relation_id not in state.relation_codes:
            item = self._data(session, "GET", f"/v1/relation/{relation_id}")
            state.remember_relation(relation_id, _text(item, "code"))
        return state.relation_codes.get(relation_id, "")

    # --- mutations ----------------------------------------------------------------------------

    @sensitive
    def add_mutatie(self, session: Session, mutation: MutationData) -> int:
        answer = self._data(session, "POST", "/v1/mutation",
                            body=self.mutation_payload(session, mutation))
        return _created_id(answer, "POST /v1/mutation")

    def mutation_payload(self, session: Session, mutation: MutationData) -> dict:
        """The POST /v1/mutation body of ``mutation`` (codes resolved to ids)."""
        kind = MUTATION_TYPES.get(mutation.kind)
        if kind is None:
            raise RejectedError("MUT_TYPE", f"Unknown mutation kind {mutation.kind}.")
        ledgers = self.ledger_ids(session)
        relation_id = mutation.relation_id
        if not relation_id and mutation.relation_code:
            relation_id = self.relation_id(session, mutation.relation_code)
        body: dict[str, Any] = {
            "type": kind, "date": mutation.date,
            "ledgerId": _ledger(ledgers, mutation.account, UNKNOWN_LEDGER),
            "description": mutation.description[:DESCRIPTION_LIMIT], "inExVat": "EX",
            "rows": [_row(line, ledgers, kind, mutation, relation_id) for line in mutation.lines],
        }
        if mutation.invoice_number:
            body["invoiceNumber"] = mutation.invoice_number
        if relation_id:
            body["relationId"] = relation_id
        if kind in INVOICE_TYPES:
            body["termOfPayment"] = mutation.payment_term_days
        if mutation.payment_reference:
            body["paymentReference"] = mutation.payment_reference
        return body

    def get_mutaties(
        self,
        session: Session,
        *,
        invoice_number: str,
        date_from: datetime.date,
        date_to: datetime.date,
        number_from: int = 0,
        number_to: int = 0,
    ) -> list[MutationSummary]:
        """Every matching mutation (REST pages through all of them: no 500 cap). The list
        carries no relation: with an invoice number each found mutation is read once more
        (GET /v1/mutation/{id}, rows included) for its relation code and total; without one,
        ``relation_code`` is "" and the total is the list's ``amount``."""
        params = {"date[range]": f"{date_from.isoformat()},{date_to.isoformat()}"}
        if invoice_number:
            params["invoiceNumber"] = invoice_number
        if number_from or number_to:
            params.update(_id_filter(number_from, number_to))
        items = _numbered(self._list(session, "/v1/mutation", params))
        if invoice_number:
            return [self._mutation_detail(session, _int(_field(item, "id"))) for item in items]
        return [_mutation_summary(item, "", _decimal(_field(item, "amount"))) for item in items]

    def _mutation_detail(self, session: Session, number: int) -> MutationSummary:
        item = self._data(session, "GET", f"/v1/mutation/{number}")
        code = self.relation_code(session, _int(_field(item, "relationId")))
        return _mutation_summary(item, code, _gross(item))

    # --- invoices of the invoicing module -----------------------------------------------------

    def template_id(self, session: Session, name: str) -> int:
        """The id of the invoice template with this name (one list call per session)."""
        state = self._state(session)
        if state.templates is None:
            state.templates = {_text(item, "name"): _int(_field(item, "id"))
                               for item in self._list(session, "/v1/invoicetemplate")}
        if name not in state.templates:
            raise RejectedError(UNKNOWN_TEMPLATE, f"Invoice template {name} not found.")
        return state.templates[name]

    @sensitive
    def add_factuur(self, session: Session, invoice: InvoiceData) -> str:
        answer = self._data(session, "POST", "/v1/invoice",
                            body=self.invoice_payload(session, invoice))
        number = _text(answer or {}, "invoiceNumber")
        if not number:
            raise TransientError(TransientError.MALFORMED, "POST /v1/invoice returned no number",
                                 ambiguous=True)
        return number

    def invoice_payload(self, session: Session, invoice: InvoiceData) -> dict:
        """The POST /v1/invoice body of ``invoice``, booked too (the ``mutation`` part)."""
        ledgers = self.ledger_ids(session)
        body: dict[str, Any] = {
            "invoiceNumber": invoice.invoice_number,
            "relationId": self.relation_id(session, invoice.relation_code,
                                           missing=UNKNOWN_INVOICE_RELATION),
            "date": invoice.date, "termOfPayment": invoice.payment_term_days,
            "templateId": self.template_id(session, invoice.template), "inExVat": "EX",
            "mutation": {"description":
                         invoice.booking_description[:INVOICE_BOOKING_DESCRIPTION_LIMIT]},
            "items": [_invoice_item(line, ledgers) for line in invoice.lines],
        }
        if invoice.send_email:
            body["email"] = {"fromEmail": invoice.email_from_address,
                             "fromName": invoice.email_from_name,
                             "subject": invoice.email_subject, "body": invoice.email_message}
        return body

    def get_facturen(
        self,
        session: Session,
        *,
        invoice_number: str,
        date_from: datetime.date,
        date_to: datetime.date,
    ) -> list[InvoiceSummary]:
        params = {"date[range]": f"{date_from.isoformat()},{date_to.isoformat()}"}
        if invoice_number:
            params["invoiceNumber"] = invoice_number
        return [
            InvoiceSummary(
                number=_text(item, "invoiceNumber"),
                relation_code=self.relation_code(session, _int(_field(item, "relationId"))),
                date=_date(_field(item, "date")),
                gross_total=_decimal(_field(item, "totalAmount")),
                pdf_url=web_address(_text(item, "urlPdfFile")),
            )
            for item in self._list(session, "/v1/invoice", params)
        ]

    def get_open_posten(self, session: Session, kind: str = "Debiteuren") -> list[OpenItem]:
        """GET /v1/mutation/invoice/outstanding (credDeb D or C is required: MUTA_006)."""
        if kind not in OPEN_ITEM_KINDS:
            raise ValueError(f"unknown open item kind {kind!r}")
        params = {"credDeb": OPEN_ITEM_KINDS[kind]}
        return [_open_item(item) for item in
                self._list(session, "/v1/mutation/invoice/outstanding", params)]


OPEN_ITEM_KINDS = {"Debiteuren": "D", "Crediteuren": "C"}  # SOAP's OpSoort -> REST's credDeb


def _open_item(item: dict) -> OpenItem:
    return OpenItem(
        invoice_number=_text(item, "invoiceNumber"), relation_code=_text(item, "relationCode"),
        relation_name=_text(item, "company"), date=_date(_field(item, "date")),
        amount=_cents(_field(item, "totalAmount")), paid=_cents(_field(item, "paidAmount")),
        open_amount=_cents(_field(item, "outstandingAmount")),
    )


def _cents(value: Any) -> Decimal:
    return _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- VAT ---------------------------------------------------------------------------------------


def row_vat(line: MutationLine) -> Decimal:
    """The VAT e-Boekhouden books for one REST row of ``line``: the given VAT for the divergent
    codes, else the row's EX amount times the code's rate, rounded half up to the cent."""
    if line.vat_code in DIVERGENT_VAT_CODES:
        return line.vat
    rate = VAT_RATES.get(line.vat_code, Decimal(0))
    return (line.net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def predicted_row_vat(lines: Iterable[MutationLine]) -> dict[str, Decimal]:
    """VAT code -> the VAT e-Boekhouden will book for these rows over REST."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.vat_code] = totals.get(line.vat_code, Decimal(0)) + row_vat(line)
    return totals


def vat_differences(lines: Iterable[MutationLine]) -> dict[str, tuple[Decimal, Decimal]]:
    """VAT code -> (the VAT on the lines, the VAT REST will book) where the two differ: what
    the booking preview must mention before a REST booking is sent. Empty: identical."""
    lines = tuple(lines)
    wanted: dict[str, Decimal] = {}
    for line in lines:
        wanted[line.vat_code] = wanted.get(line.vat_code, Decimal(0)) + line.vat
    predicted = predicted_row_vat(lines)
    return {code: (wanted[code], predicted[code]) for code in wanted
            if wanted[code] != predicted[code]}


# --- payloads ----------------------------------------------------------------------------------


def _ledger(ledgers: dict[str, int], code: str, missing: str) -> int:
    if code not in ledgers:
        raise RejectedError(missing, f"Ledger account {code} not found.")
    return ledgers[code]


def _row(line: MutationLine, ledgers: dict[str, int], kind: int, mutation: MutationData,
         relation_id: int) -> dict:
    row: dict[str, Any] = {
        "ledgerId": _ledger(ledgers, line.contra_account, UNKNOWN_ROW_LEDGER),
        "vatCode": line.vat_code, "amount": line.net,
    }
    if line.vat_code in DIVERGENT_VAT_CODES:
        row["vatAmount"] = line.vat
    if line.cost_centre:
        row["costCenterId"] = line.cost_centre
    if kind in PAYMENT_TYPES:
        row["invoiceNumber"] = mutation.invoice_number
        if relation_id:
            row["relationId"] = relation_id
    return row


def _relation_payload(relation: RelationData) -> dict:
    fields = {
        "type": "B" if relation.business else "P", "code": relation.code, "name": relation.name,
        "contact": relation.contact_person, "address": relation.address,
        "postalCode": relation.postcode, "city": relation.city, "country": relation.country,
        "emailAddress": relation.email, "phoneNumber": relation.phone,
        "vatNumber": relation.vat_id, "companyRegistrationNumber": relation.kvk_number,
        "iban": relation.iban,
    }
    # Empty fields are left out: the service validates what is sent (an empty e-mail address
    # is an invalid one).
    return {name: value for name, value in fields.items() if value}


def _relation_data(item: dict) -> RelationData:
    return RelationData(
        code=_text(item, "code"), name=_text(item, "name"),
        business=_text(item, "type").upper() != "P", contact_person=_text(item, "contact"),
        address=_text(item, "address"), postcode=_text(item, "postalCode"),
        city=_text(item, "city"), country=_text(item, "country"),
        email=_text(item, "emailAddress"), phone=_text(item, "phoneNumber"),
        vat_id=_text(item, "vatNumber"), kvk_number=_text(item, "companyRegistrationNumber"),
        iban=_text(item, "iban"),
    )


def _invoice_item(line, ledgers: dict[str, int]) -> dict:
    item: dict[str, Any] = {
        "quantity": line.quantity, "description": line.description,
        "pricePerUnit": line.unit_price, "vatCode": line.vat_code,
        "ledgerId": _ledger(ledgers, line.contra_account, UNKNOWN_ITEM_LEDGER),
    }
    if line.code:
        item["code"] = line.code
    if line.cost_centre:
        item["costCenterId"] = line.cost_centre
    return item


def _article(item: dict, accounts: dict[int, str], units: dict[int, str]) -> Article:
    vat = _field(item, "vat")
    vat_code = _text(vat, "code") if isinstance(vat, dict) else str(vat or "").strip()
    return Article(
        id=_int(_field(item, "id")), code=_text(item, "code"),
        description=_text(item, "description"),
        unit=units.get(_int(_field(item, "unitId")), ""),
        sales_price=_decimal(_field(item, "priceExcl")), vat_code=vat_code,
        vat_percentage=VAT_RATES.get(vat_code, Decimal(0)),
        contra_account=accounts.get(_int(_field(item, "ledgerId")), ""),
        active=bool(_field(item, "active")),
    )


def _mutation_summary(item: dict, relation_code: str, gross: Decimal) -> MutationSummary:
    return MutationSummary(
        number=_int(_field(item, "id")),
        kind=MUTATION_KINDS.get(_int(_field(item, "type")), str(_field(item, "type") or "")),
        date=_date(_field(item, "date")), relation_code=relation_code,
        invoice_number=_text(item, "invoiceNumber"), gross_total=gross,
    )


def _numbered(items: list[dict]) -> list[dict]:
    """``items`` of the mutation list, refused when any lacks its number: the list once
    answered id 0 for every mutation (2025), and a booking confirmed as number 0 is lost."""
    if any(_int(_field(item, "id")) <= 0 for item in items):
        raise TransientError(TransientError.MALFORMED, "mutation list without ids")
    return items


def _gross(item: dict) -> Decimal:
    """A mutation's total including VAT, from its rows."""
    rows = _field(item, "rows") or []
    total = sum((_decimal(_field(row, "amount")) for row in rows), Decimal(0))
    if _text(item, "inExVat").upper() != "IN":
        total += sum((_decimal(_field(row, "vatAmount")) for row in rows), Decimal(0))
    return total


def _id_filter(number_from: int, number_to: int) -> dict:
    if number_from and number_to:
        return {"id[range]": f"{number_from},{number_to}"}
    if number_from:
        return {"id[gte]": number_from}
    return {"id[lte]": number_to}


# --- answers -----------------------------------------------------------------------------------


def _answer(response: requests.Response, *, writes: bool) -> Any:
    if response.status_code >= 400:
        raise error_for_status(response.status_code, _error_body(response), writes=writes)
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json(parse_float=Decimal)
    except ValueError:
        raise TransientError(TransientError.MALFORMED, f"HTTP {response.status_code}",
                             ambiguous=writes) from None


def _error_body(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def error_for_status(status: int, body: dict, *, writes: bool = False) -> EbhError:
    """The EbhError of a REST error answer (``body``: its JSON, {} when unreadable)."""
    code = _text(body, "code")
    message = _text(body, "message") or _text(body, "title")
    if status >= 500:
        return TransientError(TransientError.SERVER_ERROR, f"HTTP {status}", ambiguous=writes)
    if code == SESSION_EXPIRED or status == 401 and not code:
        return SessionError(code or SESSION_EXPIRED, message)
    if code in SOURCE_CODES or code in CLOSED_PERIOD_CODES:
        return RejectedError(code, message)
    if code.startswith(AuthenticationError.TOKEN_CODE_PREFIXES) or status == 401:
        return AuthenticationError(code, message)
    return RejectedError(code or f"HTTP_{status}", message)


def _field(item: Any, name: str) -> Any:
    """A field of a JSON object: camelCase as the service answers, PascalCase as the
    document's examples show."""
    if not isinstance(item, dict):
        return None
    value = item.get(name)
    if value is None:
        value = item.get(name[:1].upper() + name[1:])
    return value


def _text(item: Any, name: str) -> str:
    value = _field(item, name)
    return "" if value is None else str(value).strip()


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _created_id(answer: Any, what: str) -> int:
    number = _int(_field(answer, "id"))
    if number <= 0:
        # Created (201) but we cannot tell which: the caller looks it up before sending again.
        raise TransientError(TransientError.MALFORMED, f"{what} returned no id", ambiguous=True)
    return number


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
