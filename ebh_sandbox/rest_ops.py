"""The REST operations, on the same store and the same rules as SOAP.

Writes are translated into the SOAP handlers' input (codes for ids, Dutch field names) and run
through the SOAP rules (:func:`ebh_sandbox.mutations.check_mutatie`, ``add_relatie``,
``add_factuur``), so both transports share ids, numbers and uniqueness; SOAP business codes
come back as REST codes (:data:`ebh_sandbox.rest_errors.FROM_SOAP`). What REST adds is checked
here first: ids, its own limits (a mutation description at most 50 characters, rows at most
500) and VAT computed by the server.

VAT (an assumption: the document only says e-Boekhouden computes it): for every code but AFW
and AFW_VERK each row's VAT is the row's amount times the code's rate on the booking date,
rounded half-up to the cent, row by row: ``inExVat`` EX: VAT = amount x rate / 100; IN: VAT =
amount x rate / (100 + rate), excl = amount - VAT. Reverse-charge and 0 % codes carry no VAT.
AFW/AFW_VERK take ``vatAmount`` as sent (0 when absent); ``vatAmount`` on any other code is
refused (MUTA_003), where the real service might ignore it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from . import chart, invoices, mutations, operations
from .context import Ctx, from_cents, money
from .errors import BusinessError
from .rest_errors import RestError
from .rest_query import paged
from .sessions import Session
from .settings import Settings

Answer = tuple[int, Any]
TYPES = {1: "FactuurOntvangen", 2: "FactuurVerstuurd", 3: "FactuurbetalingOntvangen",
         4: "FactuurbetalingVerstuurd", 5: "GeldOntvangen", 6: "GeldUitgegeven", 7: "Memoriaal"}
TYPE_OF_SOORT = {soort: number for number, soort in TYPES.items()}
# The NL codes of the document's VAT table (VERL_INK_L is listed but the SOAP side does not
# know it: refused). HOOG_VERK / HOOG_INK (19 %) are not in the REST list: refused.
REST_VAT_CODES = frozenset({
    "LAAG_VERK", "LAAG_VERK_9", "HOOG_VERK_21", "AFW_VERK", "VERL_VERK", "VERL_VERK_L9",
    "BU_EU_VERK", "AFST_VERK", "BI_EU_VERK_D", "LAAG_INK", "LAAG_INK_9", "HOOG_INK_21", "AFW",
    "VERL_INK_L9", "VERL_INK", "BU_EU_INK", "BI_EU_VERK", "BI_EU_INK", "GEEN",
})
DIVERGENT = frozenset({"AFW", "AFW_VERK"})
DESCRIPTION_LIMIT = 50
MAX_ROWS = 500


@dataclass
class RestCall:
    conn: sqlite3.Connection
    settings: Settings
    session: Session | None
    base_url: str
    body: Any
    query: dict[str, list[str]]
    params: dict[str, str]

    @property
    def ctx(self) -> Ctx:
        assert self.session is not None
        return Ctx(self.conn, self.settings, self.session, self.base_url)

    @property
    def admin_id(self) -> int:
        assert self.session is not None
        return self.session.admin_id

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        return self.conn.execute(sql, (self.admin_id, *params)).fetchall()


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out what has no value (the document's schemas type most fields non-null)."""
    return {key: value for key, value in data.items() if value is not None}


def _id_param(call: RestCall, code: str) -> int:
    raw = call.params["id"]
    if not raw.isdigit() or len(raw) > 9:
        raise RestError.not_found(code)
    return int(raw)


# ---------------------------------------------------------------------------------------------
# Body field readers (JSON types are checked: the sandbox does not coerce)
# ---------------------------------------------------------------------------------------------


def _body(call: RestCall) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise RestError.validation("ERR_002", "", "expected a JSON object")
    return call.body


def _int(data: dict[str, Any], name: str, prop: str | None = None) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RestError.validation("SANDBOX_VALIDATION", prop or name, f"{name}: integer")
    return value


def _str(data: dict[str, Any], name: str, limit: int | None = None, code: str =
         "SANDBOX_VALIDATION", prop: str | None = None) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RestError.validation("SANDBOX_VALIDATION", prop or name, f"{name}: string")
    if limit is not None and len(value) > limit:
        raise RestError.validation(code, prop or name, f"{name}: at most {limit} characters")
    return value


def _amount(data: dict[str, Any], name: str, prop: str) -> Decimal | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise RestError.validation("SANDBOX_VALIDATION", prop, f"{name}: number")
    amount = Decimal(value)
    if amount != money(amount):
        raise RestError.validation("SANDBOX_VALIDATION", prop, f"{name}: at most 2 decimals")
    return money(amount)  # 250 is stored as 250.00, as SOAP's decimals are


def _date(data: dict[str, Any], name: str, missing: str, invalid: str) -> dt.date:
    value = data.get(name)
    if value is None or value == "":
        raise RestError.validation(missing, name)
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 \
            else _raise(ValueError)
    except ValueError:
        raise RestError.validation(invalid, name) from None


def _raise(exc: type[Exception]) -> Any:
    raise exc


def _soap(call: Any) -> Any:
    """Run a SOAP rule; its business error becomes the REST error."""
    try:
        return call()
    except BusinessError as error:
        raise RestError.from_soap(error.code, error.description) from None


# ---------------------------------------------------------------------------------------------
# Master data
# ---------------------------------------------------------------------------------------------


def linked_administrations(call: RestCall) -> Answer:
    """The token's administration (one token, one administration)."""
    rows = call.conn.execute(
        "SELECT guid, bedrijf FROM administrations WHERE id = ?", (call.admin_id,)).fetchall()
    items = [{"guid": row["guid"], "company": row["bedrijf"]} for row in rows]
    return 200, paged(items, call.query, {})


def _ledger_item(row: sqlite3.Row) -> dict[str, Any]:
    return _present({"id": row["id"], "code": row["code"], "description": row["omschrijving"],
                     "category": row["categorie"], "group": row["groep"]})


def ledgers(call: RestCall) -> Answer:
    rows = call.rows("SELECT * FROM ledgers WHERE admin_id = ? ORDER BY id")
    return 200, paged([_ledger_item(row) for row in rows], call.query,
                      {"code": "string", "category": "string"})


def ledger(call: RestCall) -> Answer:
    rows = call.rows("SELECT * FROM ledgers WHERE admin_id = ? AND id = ?",
                     _id_param(call, "LEDG_011"))
    if not rows:
        raise RestError.not_found("LEDG_011")
    return 200, _ledger_item(rows[0])


def cost_centers(call: RestCall) -> Answer:
    rows = call.rows("SELECT * FROM cost_centres WHERE admin_id = ? ORDER BY id")
    items = [{"id": row["id"], "description": row["omschrijving"], "parentId": row["parent_id"],
              "active": True} for row in rows]
    return 200, paged(items, call.query, {"parentId": "int", "description": "string"})


def _unit_ids(call: RestCall) -> dict[str, int]:
    """The articles' units, numbered in order of first use (SOAP names them, REST numbers)."""
    ids: dict[str, int] = {}
    for row in call.rows("SELECT eenheid FROM articles WHERE admin_id = ? ORDER BY id"):
        ids.setdefault(row["eenheid"], len(ids) + 1)
    return ids


def units(call: RestCall) -> Answer:
    items = [{"id": unit_id, "singular": name} for name, unit_id in _unit_ids(call).items()]
    return 200, paged(items, call.query, {"singular": "string"})


def products(call: RestCall) -> Answer:
    ledger_ids, unit_ids = _ledger_ids(call), _unit_ids(call)
    rows = call.rows("SELECT * FROM articles WHERE admin_id = ? ORDER BY id")
    items = [_present({
        "id": row["id"], "code": row["code"], "description": row["omschrijving"],
        "unitId": unit_ids.get(row["eenheid"]),
        "active": bool(row["actief"]), "groupCode": row["groep_code"],
        "purchasePriceExcl": Decimal(row["inkoop"]), "priceExcl": Decimal(row["verkoop_excl"]),
        "priceIncl": Decimal(row["verkoop_incl"]), "vat": row["btw_code"],
        "ledgerId": ledger_ids.get(row["tegenrekening"]),
        "costCenterId": row["kostenplaats_id"] or None,
    }) for row in rows]
    answer = paged(items, call.query, {"code": "string", "groupCode": "string"})
    for item in answer["items"]:
        item.pop("groupCode", None)  # only a filter: the document's item has a groupId
    return 200, answer


def invoice_templates(call: RestCall) -> Answer:
    rows = call.rows("SELECT rowid AS id, name FROM templates WHERE admin_id = ? ORDER BY rowid")
    items = [{"id": row["id"], "name": row["name"], "active": True} for row in rows]
    return 200, paged(items, call.query, {"name": "string"})


def _ledger_ids(call: RestCall) -> dict[str, int]:
    return {row["code"]: row["id"] for row in call.rows(
        "SELECT code, id FROM ledgers WHERE admin_id = ?")}


def _ledger_by_id(call: RestCall, ledger_id: int | None) -> sqlite3.Row | None:
    if ledger_id is None:
        return None
    rows = call.rows("SELECT * FROM ledgers WHERE admin_id = ? AND id = ?", ledger_id)
    return rows[0] if rows else None


# ---------------------------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------------------------

# REST name -> (SOAP cRelatie name or None: kept as REST-only, limit, code when too long)
RELATION_FIELDS: dict[str, tuple[str | None, int, str]] = {
    "code": ("Code", 15, "REL_006"), "name": ("Bedrijf", 100, "REL_003"),
    "salutation": ("Aanhef", 50, "REL_010"), "contact": ("Contactpersoon", 50, "REL_009"),
    "gender": ("Geslacht", 1, "REL_004"), "address": ("Adres", 150, "REL_011"),
    "postalCode": ("Postcode", 50, "REL_012"), "city": ("Plaats", 50, "REL_013"),
    "country": ("Land", 50, "REL_014"), "address2": ("Adres2", 150, "REL_015"),
    "postalCode2": ("Postcode2", 50, "REL_016"), "city2": ("Plaats2", 50, "REL_017"),
    "country2": ("Land2", 50, "REL_018"), "phoneNumber": ("Telefoon", 50, "REL_019"),
    "mobilePhoneNumber": ("GSM", 50, "REL_020"), "faxNumber": ("FAX", 50, "REL_021"),
    "emailAddress": ("Email", 150, "REL_022"), "website": ("Site", 50, "REL_028"),
    "note": ("Notitie", 40000, "REL_047"), "vatNumber": ("BTWNummer", 50, "REL_035"),
    "companyRegistrationNumber": ("KvkNummer", 50, "REL_050"),
    "iban": ("IBAN", 50, "REL_029"), "bic": ("BIC", 20, "REL_032"),
    "emailAddressInvoice": (None, 150, "REL_024"), "emailAddressReminder": (None, 150, "REL_026"),
    "mandateType": (None, 1, "REL_051"), "mandateId": (None, 35, "REL_034"),
    **{f"freeText{i}": (f"Def{i}", 100, f"REL_{36 + i:03d}") for i in range(1, 11)},
}
RELATION_OTHER = ("inactive", "termOfPayment", "doNotReceiveNewsletters", "ledgerId", "mandate",
                  "mandateSignedDate")


def _relation_input(data: dict[str, Any]) -> dict[str, Any]:
    """Check a relation body's types and REST limits; return the REST fields given."""
    out = {}
    for name, (_, limit, code) in RELATION_FIELDS.items():
        value = _str(data, name, limit, code)
        if value is not None:
            out[name] = value
    if not (out.get("name") or "").strip():
        raise RestError.validation("REL_002", "name")
    kind = data.get("type", "B")
    if kind not in ("B", "P"):
        raise RestError.validation("REL_001", "type")
    out["type"] = kind
    if not (out.get("code") or "").strip():
        # The document's example shows a generated code; the sandbox wants one (stricter).
        raise RestError.validation("REL_005", "code", "code is required by the sandbox")
    out.update({name: data[name] for name in RELATION_OTHER if data.get(name) is not None})
    return out


def _to_soap(rest: dict[str, Any]) -> dict[str, Any]:
    rel = {soap: rest.get(name) for name, (soap, _, _) in RELATION_FIELDS.items() if soap}
    rel["BP"] = rest["type"]
    return rel


def _rest_extras(rest: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in rest.items()
            if name in RELATION_OTHER or (name in RELATION_FIELDS
                                         and RELATION_FIELDS[name][0] is None)}


def _store_extras(call: RestCall, rel_id: int, rest: dict[str, Any]) -> None:
    row = call.rows("SELECT data FROM relations WHERE admin_id = ? AND id = ?", rel_id)[0]
    data = {**json.loads(row["data"]), "rest": _rest_extras(rest)}
    call.conn.execute("UPDATE relations SET data = ? WHERE admin_id = ? AND id = ?",
                      (json.dumps(data), call.admin_id, rel_id))


def create_relation(call: RestCall) -> Answer:
    rest = _relation_input(_body(call))
    result = _soap(lambda: operations.add_relatie(call.ctx, {"oRel": _to_soap(rest)}))
    _store_extras(call, result["Rel_ID"], rest)
    return 201, {"id": result["Rel_ID"]}


def update_relation(call: RestCall) -> Answer:
    rel_id = _id_param(call, "REL_055")
    existing = call.rows("SELECT * FROM relations WHERE admin_id = ? AND id = ?", rel_id)
    if not existing:
        raise RestError.not_found("REL_055")
    body = _body(call)
    if "name" not in body:
        raise RestError.validation("REL_002", "name")  # the document marks it required
    current = _relation_item(existing[0])
    current.pop("id", None)
    rest = _relation_input({**current, **body})
    _soap(lambda: operations.update_relatie(call.ctx, {"oRel": {**_to_soap(rest), "ID": rel_id}}))
    _store_extras(call, rel_id, rest)
    return 204, None


def _relation_item(row: sqlite3.Row) -> dict[str, Any]:
    data = json.loads(row["data"])
    item: dict[str, Any] = {"id": row["id"], "type": data.get("BP") or "B", "code": row["code"]}
    for name, (soap, _, _) in RELATION_FIELDS.items():
        if soap and soap != "Code":
            item[name] = data.get(soap)
    item.update(data.get("rest") or {})
    item["date"] = row["add_datum"]
    return _present(item)


def relations(call: RestCall) -> Answer:
    code = _exact(call, "code")
    rows = call.rows("SELECT * FROM relations WHERE admin_id = ? AND fold(code) = fold(?) "
                     "ORDER BY id", code) if code else call.rows(
        "SELECT * FROM relations WHERE admin_id = ? ORDER BY id")
    fields = {"code": "string", "name": "string", "type": "string", "email": "string",
              "city": "string", "contact": "string", "id": "int"}
    items = [_relation_item(row) for row in rows]
    for item in items:  # the filter is called email, the field emailAddress
        item["email"] = item.get("emailAddress")
    answer = paged(items, call.query, fields)
    for item in answer["items"]:
        item.pop("email", None)
        item.pop("date", None)  # the list's items have no date; the single record has
    return 200, answer


def relation(call: RestCall) -> Answer:
    rows = call.rows("SELECT * FROM relations WHERE admin_id = ? AND id = ?",
                     _id_param(call, "REL_055"))
    if not rows:
        raise RestError.not_found("REL_055")
    return 200, _relation_item(rows[0])


def _relation_code(call: RestCall, rel_id: int | None, code: str, prop: str) -> str | None:
    if rel_id is None:
        return None
    rows = call.rows("SELECT code FROM relations WHERE admin_id = ? AND id = ?", rel_id)
    if not rows:
        raise RestError.validation(code, prop)
    return rows[0]["code"]


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


def _mutation_type(data: dict[str, Any]) -> int:
    value = data.get("type")
    if value is None or value == "":
        raise RestError.validation("MUTA_002", "type")
    number = value if isinstance(value, int) and not isinstance(value, bool) else (
        int(value) if isinstance(value, str) and value.isdigit() else None)
    if number not in TYPES:
        raise RestError.validation("MUTA_009", "type")
    return number


def create_mutation(call: RestCall) -> Answer:
    mut = _mutation_input(call, _body(call))
    rekening, relatie, lines = _soap(lambda: mutations.check_mutatie(
        call.ctx, mut, max_lines=MAX_ROWS, amounts_given=False))
    nr = mutations.book(call.conn, call.admin_id, {**mut, "RelatieCode": relatie}, lines,
                        rekening["id"], "REST")
    return 201, {"id": nr}


def _mutation_input(call: RestCall, data: dict[str, Any]) -> dict[str, Any]:
    """A REST mutation as the SOAP rules take it (oMut), after REST's own checks."""
    soort = TYPES[_mutation_type(data)]
    datum = _date(data, "date", "MUT_003", "MUT_004")
    rekening = _mutation_ledger(call, data)
    description = _str(data, "description", DESCRIPTION_LIMIT)
    invoice_number = _str(data, "invoiceNumber", 50, "MUT_018")
    relatie = _relation_code(call, _int(data, "relationId"), "MUT_013", "relationId")
    if mutations.KINDS[soort].link and relatie is None:
        raise RestError.validation("MUT_012", "relationId")
    inex = _in_ex(data)
    _check_payment_reference(call, data)
    term = _int(data, "termOfPayment")
    rows = _rows(call, mutations.KINDS[soort], data.get("rows"), datum, inex)
    return {
        "Soort": soort, "Datum": datum, "Rekening": rekening["code"], "RelatieCode": relatie,
        "Factuurnummer": invoice_number, "Boekstuk": _str(data, "entryNumber", 50),
        "Omschrijving": description, "Betalingstermijn": None if term is None else str(term),
        "Betalingskenmerk": _str(data, "paymentReference", 50), "InExBTW": inex,
        "MutatieRegels": {"cMutatieRegel": rows},
    }


def _mutation_ledger(call: RestCall, data: dict[str, Any]) -> sqlite3.Row:
    ledger_id = _int(data, "ledgerId")
    if ledger_id is None:
        raise RestError.validation("MUTA_001", "ledgerId")
    rekening = _ledger_by_id(call, ledger_id)
    if rekening is None:
        raise RestError.validation("MUT_007", "ledgerId")
    return rekening


def _in_ex(data: dict[str, Any]) -> str:
    inex = _str(data, "inExVat")
    if not inex:
        raise RestError.validation("MUTA_005", "inExVat")
    if inex not in ("IN", "EX"):
        raise RestError.validation("MUT_017", "inExVat")
    return inex


def _check_payment_reference(call: RestCall, data: dict[str, Any]) -> None:
    reference = _str(data, "paymentReference", 50)
    if data.get("checkPaymentReference") is True and reference:
        taken = call.rows("SELECT 1 FROM mutations WHERE admin_id = ? AND betalingskenmerk = ?",
                          reference)
        if taken:
            raise RestError.validation("MUTA_008", "paymentReference")


def _rows(call: RestCall, kind: mutations.Kind, rows: Any, datum: dt.date,
          inex: str) -> list[dict[str, Any]]:
    if not rows:
        raise RestError.validation("MUT_100", "rows")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise RestError.validation("SANDBOX_VALIDATION", "rows", "rows: array of objects")
    if len(rows) > MAX_ROWS:
        raise RestError.validation("MUT_101", "rows")
    return [_row(call, kind, row, datum, inex) for row in rows]


def _row(call: RestCall, kind: mutations.Kind, row: dict[str, Any], datum: dt.date,
         inex: str) -> dict[str, Any]:
    contra_id = _int(row, "ledgerId", "rows.ledgerId")
    if contra_id is None:
        raise RestError.validation("MUTA_004", "rows.ledgerId")
    contra = _ledger_by_id(call, contra_id)
    if contra is None:
        raise RestError.validation("MUT_104", "rows.ledgerId")
    vat = _row_vat_code(kind, row)
    amount = _amount(row, "amount", "rows.amount")
    if amount is None:
        raise RestError.validation("SANDBOX_VALIDATION", "rows.amount", "amount is required")
    vat_amount = _amount(row, "vatAmount", "rows.vatAmount")
    if vat_amount is not None and vat.code not in DIVERGENT:
        raise RestError.validation("MUTA_003", "rows.vatAmount")
    if vat.code.startswith("VERL_INK") and inex != "EX":
        raise RestError.validation("MUT_026", "inExVat")
    excl, btw, incl, pct = row_amounts(vat, amount, vat_amount, datum, inex)
    return {
        "BedragInvoer": amount, "BedragExclBTW": excl, "BedragBTW": btw, "BedragInclBTW": incl,
        "BTWCode": vat.code, "BTWPercentage": pct, "TegenrekeningCode": contra["code"],
        "KostenplaatsID": _int(row, "costCenterId", "rows.costCenterId") or 0,
        "Omschrijving": _str(row, "description", 200, prop="rows.description"),
    }


def _row_vat_code(kind: mutations.Kind, row: dict[str, Any]) -> chart.VatCode:
    code = row.get("vatCode")
    if not isinstance(code, str) or code not in REST_VAT_CODES or code not in chart.VAT_CODES:
        raise RestError.validation("MUT_109", "rows.vatCode")
    vat = chart.VAT_CODES[code]
    if kind.vat_side == "sales" and vat.side == "purchase":
        raise RestError.validation("MUT_111", "rows.vatCode")
    if kind.vat_side == "purchase" and vat.side == "sales":
        raise RestError.validation("MUT_110", "rows.vatCode")
    return vat


def row_amounts(vat: chart.VatCode, amount: Decimal, vat_amount: Decimal | None,
                datum: dt.date, inex: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(excl, VAT, incl, rate) of one REST row, as the module docstring describes."""
    if vat.rule == "free":
        btw, pct = vat_amount or Decimal(0), Decimal(0)
    elif vat.rule in ("zero", "self_assessed"):
        btw, pct = Decimal(0), Decimal(0)
    else:
        pct = vat.rate_on(datum)
        base = Decimal(100) if inex == "EX" else Decimal(100) + pct
        btw = money(amount * pct / base)
    if inex == "EX":
        return amount, btw, amount + btw, pct
    return amount - btw, btw, amount, pct


def _mutation_rows(call: RestCall, where: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
    return call.rows(f"SELECT * FROM mutations WHERE admin_id = ? {where} ORDER BY nr",  # noqa: S608
                     *params)


def _mutation_head(row: sqlite3.Row, ledger_ids: dict[str, int]) -> dict[str, Any]:
    return _present({
        "id": row["nr"], "type": str(TYPE_OF_SOORT[row["soort"]]), "date": row["datum"],
        "invoiceNumber": row["factuurnummer"], "ledgerId": ledger_ids.get(row["rekening"]),
        "amount": from_cents(row["total_cents"]), "entryNumber": row["boekstuk"],
    })


def _exact(call: RestCall, name: str) -> str | None:
    """The value of a plain ``name=value`` filter, to narrow the SQL (the filter still runs)."""
    values = call.query.get(name)
    return values[0] if values and len(values) == 1 else None


def mutation_list(call: RestCall) -> Answer:
    ledger_ids = _ledger_ids(call)
    number = _exact(call, "invoiceNumber")
    where, params = ("AND fold(factuurnummer) = fold(?)", (number,)) if number else ("", ())
    items = []
    for row in _mutation_rows(call, where, params):
        item = _mutation_head(row, ledger_ids)
        item["type"] = int(item["type"])  # filtered as a number, answered as the enum string
        item["description"] = row["omschrijving"]
        items.append(item)
    answer = paged(items, call.query, {"id": "int", "type": "int", "date": "date",
                                       "invoiceNumber": "string", "description": "string"})
    for item in answer["items"]:
        item["type"] = str(item["type"])
        item.pop("description")
    return 200, answer


def mutation(call: RestCall) -> Answer:
    rows = _mutation_rows(call, "AND nr = ?", (_id_param(call, "MUT_300"),))
    if not rows:
        raise RestError.not_found("MUT_300")
    row, ledger_ids = rows[0], _ledger_ids(call)
    relation_rows = call.rows("SELECT id FROM relations WHERE admin_id = ? AND fold(code) = "
                              "fold(?)", row["relatie_code"] or "")
    relation_id = relation_rows[0]["id"] if relation_rows else None
    lines = mutations.mutation_lines(call.conn, call.admin_id, [row["nr"]]).get(row["nr"], [])
    head = _mutation_head(row, ledger_ids)
    head.pop("amount")
    term = row["betalingstermijn"]
    vat_totals: dict[str, Decimal] = {}
    for line in lines:
        vat_totals[line["btw_code"]] = vat_totals.get(line["btw_code"], Decimal(0)) + \
            Decimal(line["btw"])
    return 200, _present({
        **head, "description": row["omschrijving"], "relationId": relation_id,
        "termOfPayment": int(term) if term and str(term).isdigit() else None,
        "inExVat": row["inex"],
        "rows": [_mutation_row(line, row, ledger_ids, relation_id) for line in lines],
        "vat": [{"vatCode": code, "amount": amount} for code, amount in vat_totals.items()],
    })


def _mutation_row(line: sqlite3.Row, head: sqlite3.Row, ledger_ids: dict[str, int],
                  relation_id: int | None) -> dict[str, Any]:
    amount = line["incl"] if head["inex"] == "IN" else line["excl"]
    return _present({
        "ledgerId": ledger_ids.get(line["tegenrekening"]), "vatCode": line["btw_code"],
        "vatAmount": Decimal(line["btw"]), "costCenterId": line["kostenplaats_id"] or None,
        "amount": Decimal(amount), "description": line["omschrijving"],
        "invoiceNumber": head["factuurnummer"], "relationId": relation_id,
    })


def outstanding(call: RestCall) -> Answer:
    values = call.query.get("credDeb") or []
    if not values or not values[0]:
        raise RestError.validation("MUTA_006", "credDeb")
    if values[0] not in ("C", "D"):
        raise RestError.validation("MUTA_007", "credDeb")
    items = []
    for row in mutations.open_items(call.conn, call.admin_id, values[0] == "D"):
        relation = json.loads(row["relation"]) if row["relation"] else {}
        items.append(_present({
            "date": row["datum"], "mutationId": row["nr"], "invoiceNumber": row["factuurnummer"],
            "relationId": row["relation_id"], "relationCode": row["relatie_code"],
            "company": relation.get("Bedrijf"), "totalAmount": from_cents(row["total_cents"]),
            "paidAmount": from_cents(row["paid"]),
            "outstandingAmount": from_cents(row["total_cents"] - row["paid"]),
        }))
    return 200, paged(items, call.query, {"invoiceNumber": "string"}, extra=("credDeb",))


# ---------------------------------------------------------------------------------------------
# Invoices (the invoicing module)
# ---------------------------------------------------------------------------------------------


def create_invoice(call: RestCall) -> Answer:
    data = _body(call)
    fact = _invoice_input(call, data)
    result = _soap(lambda: invoices.add_factuur(call.ctx, {"oFact": fact}, transport="REST"))
    row = call.rows("SELECT rowid AS id, * FROM invoices WHERE admin_id = ? AND factuurnummer = ?",
                    result["Factuurnummer"])[0]
    return 201, _invoice_answer(call, row, data["relationId"])


def _invoice_input(call: RestCall, data: dict[str, Any]) -> dict[str, Any]:
    """A REST invoice as SOAP's AddFactuur takes it (oFact), after REST's own checks."""
    relation_id = _int(data, "relationId")
    if relation_id is None:
        raise RestError.validation("FACT_001", "relationId")
    relatie = _relation_code(call, relation_id, "FACT_002", "relationId")
    template = _template(call, _int(data, "templateId"))
    term = _int(data, "termOfPayment")
    if term is None:
        raise RestError.validation("FACT_015", "termOfPayment")
    datum = _date(data, "date", "FACT_011", "FACT_013")
    _invoice_in_ex(data)
    items = data.get("items")
    if not items or not isinstance(items, list):
        raise RestError.validation("FACT_019", "items")
    booking = data.get("mutation")
    return {
        "Relatiecode": relatie, "Datum": datum, "Betalingstermijn": term,
        "Factuursjabloon": template, "Factuurnummer": _str(data, "invoiceNumber", 50, "FACT_007"),
        "InBoekhoudingPlaatsen": booking is not None,
        "BoekhoudmutatieOmschrijving": _invoice_booking(call, booking),
        "reference": _str(data, "reference", 50), "text": _str(data, "text", 35000),
        "Regels": {"cFactuurRegel": [_invoice_item(call, item) for item in items]},
    }


def _invoice_in_ex(data: dict[str, Any]) -> None:
    inex = data.get("inExVat", "EX")
    if inex not in ("IN", "EX"):
        raise RestError.validation("FACT_010", "inExVat")
    if inex == "IN":  # prices incl. VAT: the sandbox's module knows only excl. prices
        raise RestError.validation("SANDBOX_VALIDATION", "inExVat", "the sandbox takes EX only")


def _template(call: RestCall, template_id: int | None) -> str:
    rows = call.rows("SELECT name FROM templates WHERE admin_id = ? AND rowid = ?",
                     template_id if template_id is not None else -1)
    if not rows:
        raise RestError.validation("FACT_018", "templateId")
    return rows[0]["name"]


def _invoice_booking(call: RestCall, booking: Any) -> str | None:
    if booking is None:
        return None
    if not isinstance(booking, dict):
        raise RestError.validation("SANDBOX_VALIDATION", "mutation", "mutation: object")
    ledger_id = _int(booking, "ledgerId", "mutation.ledgerId")
    if ledger_id is not None:
        ledger_row = _ledger_by_id(call, ledger_id)
        if ledger_row is None or ledger_row["categorie"] != "DEB":
            raise RestError.validation("MUT_011", "mutation.ledgerId")
    return _str(booking, "description", 200, prop="mutation.description")


def _invoice_item(call: RestCall, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise RestError.validation("SANDBOX_VALIDATION", "items", "items: array of objects")
    ledger_id = _int(item, "ledgerId", "items.ledgerId")
    if ledger_id is None:
        raise RestError.validation("FACT_ITEM_007", "items.ledgerId")
    contra = _ledger_by_id(call, ledger_id)
    if contra is None:
        raise RestError.validation("FACT_ITEM_012", "items.ledgerId")
    code = item.get("vatCode")
    if item.get("vatAmount") is not None:
        rule = "FACT_ITEM_015" if code != "AFW_VERK" else "SANDBOX_VALIDATION"
        raise RestError.validation(rule, "items.vatAmount")
    if item.get("discountAmount") or item.get("discountPercentage"):
        raise RestError.validation("SANDBOX_VALIDATION", "items.discountAmount",
                                   "the sandbox does not take discounts")
    if code is not None and code not in REST_VAT_CODES:
        raise RestError.validation("FACT_ITEM_014", "items.vatCode")
    return {
        "Aantal": _amount_any(item, "quantity"), "Code": _str(item, "code") or "-",
        "Omschrijving": _str(item, "description", prop="items.description"),
        "PrijsPerEenheid": _amount_any(item, "pricePerUnit"), "BTWCode": code,
        "TegenrekeningCode": contra["code"],
        "KostenplaatsID": _int(item, "costCenterId", "items.costCenterId") or 0,
    }


def _amount_any(item: dict[str, Any], name: str) -> Decimal:
    value = item.get(name)
    if value is None:
        return Decimal(0)  # a missing number reads as 0, as .NET's model binding does
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise RestError.validation("SANDBOX_VALIDATION", f"items.{name}", f"{name}: number")
    return Decimal(value)


def _invoice_answer(call: RestCall, row: sqlite3.Row, relation_id: int | None) -> dict:
    extra = json.loads(row["data"])
    template = call.rows("SELECT rowid AS id FROM templates WHERE admin_id = ? AND name = ?",
                         row["sjabloon"])
    return _present({
        "id": row["id"], "invoiceNumber": row["factuurnummer"], "relationId": relation_id,
        "date": row["datum"], "reference": extra.get("reference"), "text": extra.get("text"),
        "termOfPayment": row["betalingstermijn"], "inExVat": "EX",
        "totalExcl": from_cents(row["excl_cents"]), "vatAmount": from_cents(row["btw_cents"]),
        "totalAmount": from_cents(row["incl_cents"]),
        "urlPdfFile": f"{call.base_url}/administratie/{call.admin_id}"
                      f"#factuur-{quote(row['factuurnummer'])}",
        "templateId": template[0]["id"] if template else None, "print": False,
    })


def invoice_list(call: RestCall) -> Answer:
    relation_ids = {row["code"].casefold(): row["id"] for row in call.rows(
        "SELECT id, code FROM relations WHERE admin_id = ?")}
    rows = call.rows("SELECT rowid AS id, * FROM invoices WHERE admin_id = ? "
                     "ORDER BY datum, factuurnummer")
    items = []
    for row in rows:
        item = _invoice_answer(call, row, relation_ids.get(row["relatiecode"].casefold()))
        item.pop("inExVat")
        items.append(item)
    return 200, paged(items, call.query, {"invoiceNumber": "string", "relationId": "int",
                                          "date": "date"})


def invoice(call: RestCall) -> Answer:
    rows = call.rows("SELECT rowid AS id, * FROM invoices WHERE admin_id = ? AND rowid = ?",
                     _id_param(call, "FACT_021"))
    if not rows:
        raise RestError.not_found("FACT_021")
    relation_rows = call.rows("SELECT id FROM relations WHERE admin_id = ? AND fold(code) = "
                              "fold(?)", rows[0]["relatiecode"])
    return 200, _invoice_answer(call, rows[0], relation_rows[0]["id"] if relation_rows else None)
