"""Demo: book the demo organization's existing invoices in the sandbox, so that a first look
shows bookings arriving there (the worker picks them up as soon as `make run` starts it).

Under `make run` (EBH_DEMO_SANDBOX_URL and EBH_DEMO_ACCOUNT_FILE set, the sandbox serving)
the bookings are made at once and the sandbox books the bank payment of one invoice, as
e-Boekhouden does when the bank is matched: "Betalingen ophalen" then has something to find."""

import datetime
import json
import os
import urllib.request
from pathlib import Path

from ebh_sync import engine, services
from ebh_sync.models import SyncJob
from invoicing.models import InvoiceKind, InvoiceStatus


def load(organization) -> str:
    connection = services.active_connection(organization)
    if connection is None:
        return ""
    if SyncJob.objects.for_organization(organization).exists():
        return "bookings already queued or made"
    batch = services.export_create(
        organization=organization, user=None,
        date_from=datetime.date(2000, 1, 1), date_to=datetime.date(2049, 12, 31),
    )
    summary = f"{batch.selected - batch.skipped} invoices queued for booking in the sandbox"
    paid = _pay_one_in_sandbox(connection)
    return f"{summary}; {paid}" if paid else summary


def _sandbox() -> tuple[str, str] | None:
    """The sandbox's address and the demo administration's GUID, under `make run`."""
    base = os.environ.get("EBH_DEMO_SANDBOX_URL", "").rstrip("/")
    account_file = os.environ.get("EBH_DEMO_ACCOUNT_FILE", "")
    if not base or not account_file or not Path(account_file).exists():
        return None
    account = json.loads(Path(account_file).read_text().strip().splitlines()[-1])
    return base, account["administrations"][0]


def _pay_one_in_sandbox(connection) -> str:
    sandbox = _sandbox()
    if sandbox is None:
        return ""
    engine.drain_connection(connection.pk)
    job = (SyncJob.objects.filter(connection=connection, state=SyncJob.State.BOOKED,
                                  sales_invoice__kind=InvoiceKind.INVOICE,
                                  sales_invoice__status=InvoiceStatus.SENT,
                                  sales_invoice__amount_credited=0)
           .order_by("invoice_date", "id").first())
    if job is None:
        return ""
    base, guid = sandbox
    body = json.dumps({"admin": guid, "invoice": job.invoice_number}).encode()
    request = urllib.request.Request(  # noqa: S310 - the local sandbox's control plane
        f"{base}/_control/pay", data=body, method="POST",
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass
    except OSError as exc:
        return f"could not pay {job.invoice_number} in the sandbox ({exc})"
    return f"{job.invoice_number} paid in the sandbox: press Fetch payments"
