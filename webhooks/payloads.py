"""What a delivery tells: the envelope (event, id, created, organization) around the data of
an invoice or a booking. Amounts are strings with two decimals, dates ISO 8601."""

import json
import uuid
from decimal import Decimal

from django.utils import timezone

from invoicing.money import round_money


def amount(value: Decimal) -> str:
    return str(round_money(value))


def invoice_data(invoice) -> dict:
    credited = invoice.credited_invoice.number if invoice.credited_invoice_id else None
    return {
        "id": invoice.pk, "number": invoice.number, "kind": invoice.kind,
        "status": invoice.status, "customer": (invoice.buyer or {}).get("name", ""),
        "issue_date": invoice.issue_date.isoformat(), "due_date": invoice.due_date.isoformat(),
        "currency": invoice.currency, "net_total": amount(invoice.net_total),
        "vat_total": amount(invoice.vat_total), "gross_total": amount(invoice.gross_total),
        "amount_paid": amount(invoice.amount_paid), "amount_open": amount(invoice.amount_open),
        "credited_invoice": credited,
    }


def _document(job) -> dict:
    document_id = job.sales_invoice_id or job.purchase_invoice_id or job.work_order_id
    return {"kind": job.kind, "id": document_id, "invoice_number": job.invoice_number,
            "invoice_date": job.invoice_date.isoformat()}


def booking_data(job) -> dict:
    data = {"booking": {
        "id": job.pk, "state": job.state, "mutation_number": job.mutation_number,
        "error_code": job.last_error_code, "error": job.last_error,
        "document": _document(job),
    }}
    if job.sales_invoice_id:
        data["invoice"] = invoice_data(job.sales_invoice)
    return data


def envelope(*, event: str, organization, data: dict) -> str:
    """The body as sent: compact JSON with sorted keys, so a stored body is stable."""
    document = {
        "event": event, "id": str(uuid.uuid4()), "created": timezone.now().isoformat(),
        "organization": {"id": organization.pk, "name": organization.name}, "data": data,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
