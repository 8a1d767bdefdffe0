"""REST error answers: ``{"type", "title", "status", "code", "propertyName", "message",
"traceId", "errors"}`` with the codes of the OpenAPI document's error table.

The titles below are the document's own. Codes starting ``SANDBOX_`` are the sandbox's, for
what the document has no code for (no product behaviour may depend on them):

* ``SANDBOX_VALIDATION`` (400): the request breaks the document's schema (a string over its
  ``maxLength``, such as a mutation description over 50 characters; a wrong JSON type; a field
  the schema marks required) or a rule the sandbox applies where the document is silent (a
  mutation needs a description and, for invoices, a term of payment, as on SOAP);
* ``SANDBOX_THROTTLED`` (429): the throttling fault (the document documents no 429);
* ``SANDBOX_NOT_FOUND`` (404): an unknown path.

SOAP business codes raised by the shared rules are translated with :data:`FROM_SOAP`.
"""

from __future__ import annotations

import secrets
from typing import Any

TITLES: dict[str, str] = {
    "ERR_001": "Something went wrong.",
    "ERR_002": "Your request contains an invalid value.",
    "PAGE_001": "Limit must be between 1 and 2000.",
    "PAGE_002": "Offset must be greater than or equal to 0.",
    "SECURITY_001": "No permission to access the requested resource.",
    "SECURITY_010": "Not authenticated. Check your Authorization header.",
    "API_SESSION_001": "Source is missing.",
    "API_SESSION_002": "Source does not match pattern.",
    "API_SESSION_003": "Access token is missing or empty.",
    "API_SESSION_004": "Access token has expired.",
    "LEDG_011": "Ledger not found.",
    "REL_001": "Relation type is invalid (B,P).",
    "REL_002": "Name is mandatory.",
    "REL_003": "Name is too long.",
    "REL_005": "Code is invalid.",
    "REL_006": "Code is too long.",
    "REL_004": "Gender is invalid (m,v,a).",
    "REL_009": "Contact is too long.",
    "REL_010": "Salutation is too long.",
    "REL_011": "Address is too long.",
    "REL_012": "Postal code is too long.",
    "REL_013": "City is too long.",
    "REL_014": "Country is too long.",
    "REL_015": "Address 2 is too long.",
    "REL_016": "Postal code 2 is too long.",
    "REL_017": "City 2 is too long.",
    "REL_018": "Country 2 is too long.",
    "REL_019": "Phone is too long.",
    "REL_020": "Mobile is too long.",
    "REL_021": "Fax is too long.",
    "REL_022": "Email is too long.",
    "REL_024": "Email invoice is too long.",
    "REL_026": "Email reminder is too long.",
    "REL_028": "Website is too long.",
    "REL_029": "Iban is too long.",
    "REL_032": "BIC is too long.",
    "REL_034": "Mandate ID is too long.",
    "REL_035": "VAT number is too long.",
    **{f"REL_{36 + i:03d}": f"Free text {i} is too long." for i in range(1, 11)},
    "REL_047": "Note too long.",
    "REL_049": "Code already exists.",
    "REL_050": "Company registration number is too long.",
    "REL_051": "Mandate type is invalid (E,D).",
    "REL_055": "Relation not found.",
    "MUT_001": "Type is invalid.",
    "MUT_002": "Invoice number is missing.",
    "MUT_003": "Date is missing.",
    "MUT_004": "Date is invalid.",
    "MUT_005": "Period is closed.",
    "MUT_007": "Unknown ledger for mutation.",
    "MUT_009": "Invalid ledger category for mutation.",
    "MUT_010": "Ledger must be of category creditor.",
    "MUT_011": "Ledger must be of category debtor.",
    "MUT_012": "Relation is missing.",
    "MUT_013": "Relation not found.",
    "MUT_017": "In/Ex VAT must be 'IN' or 'EX'.",
    "MUT_018": "Invoice number is too long.",
    "MUT_019": "Invoice number already exists.",
    "MUT_020": "Combination relation/invoice number already exists.",
    "MUT_026": "In/Ex VAT must always be 'EX' on purchases with reverse-charging VAT.",
    "MUT_100": "Rows are missing.",
    "MUT_101": "Too many rows.",
    "MUT_104": "Unknown ledger for row.",
    "MUT_106": "Invalid ledger category for row.",
    "MUT_107": "Ledger of row must be of category creditor.",
    "MUT_108": "Ledger of row must be of category debtor.",
    "MUT_109": "Invalid VAT code.",
    "MUT_110": "VAT code must be of type purchase.",
    "MUT_111": "VAT code must be of type sale.",
    "MUT_115": "Invoice not found.",
    "MUT_117": "Cost center not found.",
    "MUT_300": "Mutation not found.",
    "MUTA_001": "Ledger id is missing.",
    "MUTA_002": "Type is missing",
    "MUTA_003": "Vat amount must be used with vatCode: 'AFW' or 'AFW_VERK'",
    "MUTA_004": "Ledger ID for row is missing.",
    "MUTA_005": "In/Ex VAT is missing.",
    "MUTA_006": "Credit/Debit is missing.",
    "MUTA_007": "Credit/Debit must be 'C' or 'D'.",
    "MUTA_008": "Payment reference already exists.",
    "MUTA_009": "Type is unknown.",
    "FACT_001": "Relation ID is missing.",
    "FACT_002": "Relation not found.",
    "FACT_006": "Invoice number is missing.",
    "FACT_007": "Invoice number is too long.",
    "FACT_010": "Invoice VAT must be IN or EX.",
    "FACT_011": "Invoice date is missing.",
    "FACT_013": "Invoice date out of range.",
    "FACT_015": "Term of payment is missing.",
    "FACT_018": "Invoice template not found.",
    "FACT_019": "Invoice items are missing.",
    "FACT_021": "Invoice not found.",
    "FACT_025": "Too many items.",
    "FACT_101": "Invoice number is in use.",
    "FACT_ITEM_001": "Description invoice item is missing.",
    "FACT_ITEM_006": "VAT code is missing.",
    "FACT_ITEM_007": "Ledger ID is missing",
    "FACT_ITEM_012": "Ledger account not found.",
    "FACT_ITEM_014": "Invalid VAT code.",
    "FACT_ITEM_015": "VAT amount must be used with VAT code: 'AFW_VERK'",
    "SANDBOX_VALIDATION": "The request does not meet the sandbox's (stricter) rules.",
    "SANDBOX_THROTTLED": "Too many requests.",
    "SANDBOX_NOT_FOUND": "Not found.",
}
SANDBOX_CODES = frozenset(code for code in TITLES if code.startswith("SANDBOX_"))

# SOAP business codes of the shared rules -> (REST code, propertyName).
FROM_SOAP: dict[str, tuple[str, str]] = {
    "CMUT001": ("MUT_007", "ledgerId"),
    "CMUT001.1": ("MUT_009", "ledgerId"),
    "CMUT003": ("MUTA_005", "inExVat"),
    "CMUT003.1": ("MUT_017", "inExVat"),
    "CMUT004": ("MUT_004", "date"),
    "CMUT005": ("SANDBOX_VALIDATION", "description"),
    "CMUT006": ("MUT_101", "rows"),
    "CMUT008": ("MUT_001", "type"),
    "CMUT011": ("MUT_109", "rows.vatCode"),
    "CMUT012": ("MUT_106", "rows.ledgerId"),
    "CMUT013": ("MUT_002", "invoiceNumber"),
    "CMUT014": ("SANDBOX_VALIDATION", "termOfPayment"),
    "CMUT015": ("MUT_010", "ledgerId"),
    "CMUT016": ("MUT_011", "ledgerId"),
    "CMUT017": ("MUT_013", "relationId"),
    "CMUT018": ("MUT_020", "invoiceNumber"),
    "CMUT019": ("MUT_019", "invoiceNumber"),
    "CMUT020": ("MUT_005", "date"),
    "CMUT023": ("MUT_002", "invoiceNumber"),
    "CMUT024": ("MUT_012", "relationId"),
    "CMUT025": ("MUT_013", "relationId"),
    "CMUT026": ("MUT_115", "invoiceNumber"),
    "CMUT027": ("MUT_108", "rows.ledgerId"),
    "CMUT028": ("MUT_107", "rows.ledgerId"),
    "CMUT030": ("MUT_117", "rows.costCenterId"),
    "CMUT031": ("SANDBOX_VALIDATION", ""),
    "CMUT032": ("SANDBOX_VALIDATION", "termOfPayment"),
    "CMUT033": ("MUT_109", "rows.vatCode"),
    "CREL001": ("REL_049", "code"),
    "CFACT004": ("FACT_013", "date"),
    "CFACT006": ("FACT_025", "items"),
    "CFACT014": ("FACT_015", "termOfPayment"),
    "CFACT024": ("FACT_001", "relationId"),
    "CFACT025": ("FACT_002", "relationId"),
    "CFACT026": ("FACT_101", "invoiceNumber"),
    "CFACT027": ("FACT_018", "templateId"),
    "CFACT028": ("FACT_018", "templateId"),
    "CFACT032": ("SANDBOX_VALIDATION", "mutation.description"),
    "CFACT037": ("SANDBOX_VALIDATION", "items.code"),
    "CFACT038": ("FACT_ITEM_006", "items.vatCode"),
    "CFACT039": ("FACT_ITEM_001", "items.description"),
    "CFACT040": ("FACT_ITEM_007", "items.ledgerId"),
    "CFACT042": ("FACT_ITEM_014", "items.vatCode"),
    "CFACT043": ("SANDBOX_VALIDATION", ""),
    "CFACT212": ("SANDBOX_VALIDATION", "items.costCenterId"),
}
assert {code for code, _ in FROM_SOAP.values()} <= set(TITLES)


class RestError(Exception):
    """An error answer; ``security_type`` is set for the SecurityError shape (403)."""

    def __init__(self, status: int, code: str, *, kind: str = "validation",
                 property_name: str = "", message: str = "",
                 security_type: str | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.kind = status, code, kind
        self.property_name, self.message = property_name, message
        self.security_type = security_type

    @classmethod
    def validation(cls, code: str, property_name: str = "", message: str = "") -> RestError:
        return cls(400, code, property_name=property_name, message=message)

    @classmethod
    def security(cls, code: str) -> RestError:
        return cls(403, code, kind="security", security_type="0")

    @classmethod
    def unauthenticated(cls) -> RestError:
        return cls(401, "SECURITY_010", kind="security")

    @classmethod
    def not_found(cls, code: str, property_name: str = "id") -> RestError:
        return cls(404, code, kind="notfound", property_name=property_name)

    @classmethod
    def from_soap(cls, code: str, detail: str) -> RestError:
        rest_code, prop = FROM_SOAP.get(code, ("SANDBOX_VALIDATION", ""))
        return cls.validation(rest_code, prop, f"{code}: {detail}")

    def body(self) -> dict[str, Any]:
        title = TITLES.get(self.code, self.code)
        data: dict[str, Any] = {
            "type": self.kind, "title": title, "status": self.status, "code": self.code,
            "message": self.message or title, "traceId": secrets.token_hex(8),
        }
        if self.property_name:
            data["propertyName"] = self.property_name
        if self.kind == "validation":
            data["errors"] = [self.message or title]
        if self.security_type is not None:
            data["securityType"] = self.security_type
        return data
