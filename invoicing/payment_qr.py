"""The EPC QR code ("GiroCode", SEPA credit transfer) on a EUR invoice's PDF: banking apps
scan it and fill in IBAN, name, amount and payment reference. Made with segno's helper, which
knows the EPC069-12 format (version 002, error correction M, at most version 13).

It is made only from the invoice's frozen snapshot, so the same snapshot gives the same code."""

from dataclasses import dataclass
from decimal import Decimal

from segno import helpers
from stdnum import iban as stdnum_iban
from stdnum import iso11649

from invoicing.models import SalesInvoice

EPC_MAX_AMOUNT = Decimal("999999999.99")
EPC_MAX_NAME = 70
EPC_MAX_TEXT = 140


@dataclass(frozen=True)
class EpcTransfer:
    """What the code carries: a structured creditor reference (RF..) or a free text."""

    name: str
    iban: str
    amount: Decimal
    reference: str = ""
    text: str = ""


def epc_transfer(invoice: SalesInvoice) -> EpcTransfer | None:
    """The transfer a banking app should prefill, or None when no code belongs on the PDF:
    not EUR, a credit note, nothing (or too much) to pay, no IBAN or no reference."""
    seller, amount = invoice.seller or {}, invoice.gross_total
    iban = stdnum_iban.compact(seller.get("iban") or "")
    reference = (invoice.payment_reference or "").strip()
    if (invoice.currency != "EUR" or invoice.is_credit_note or not iban or not reference
            or not Decimal("0") < amount <= EPC_MAX_AMOUNT):
        return None
    name = (seller.get("name") or "").strip()[:EPC_MAX_NAME]
    if not name:
        return None
    if iso11649.is_valid(reference):
        return EpcTransfer(name, iban, amount, reference=iso11649.compact(reference))
    return EpcTransfer(name, iban, amount, text=reference[:EPC_MAX_TEXT])


def epc_qr(transfer: EpcTransfer):
    """The segno QR code of a transfer."""
    return helpers.make_epc_qr(name=transfer.name, iban=transfer.iban, amount=transfer.amount,
                               text=transfer.text or None,
                               reference=transfer.reference or None)


def epc_qr_svg(invoice: SalesInvoice) -> str:
    """The code as inline SVG markup (sized by the PDF's CSS), or "" when none belongs there.
    Inline, so the PDF's URL fetcher never sees it."""
    transfer = epc_transfer(invoice)
    if transfer is None:
        return ""
    try:
        code = epc_qr(transfer)
    except ValueError:  # a name or text the standard's 331 bytes cannot hold
        return ""
    return code.svg_inline(omitsize=True, border=2, svgclass="epc-qr", lineclass=None)
