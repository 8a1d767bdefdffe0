"""Demo: book the demo organization's existing invoices in the sandbox, so that a first look
shows bookings arriving there (the worker picks them up as soon as `make run` starts it)."""

import datetime

from ebh_sync import services
from ebh_sync.models import SyncJob


def load(organization) -> str:
    if services.active_connection(organization) is None:
        return ""
    if SyncJob.objects.for_organization(organization).exists():
        return "bookings already queued or made"
    batch = services.export_create(
        organization=organization, user=None,
        date_from=datetime.date(2000, 1, 1), date_to=datetime.date(2049, 12, 31),
    )
    return f"{batch.selected - batch.skipped} invoices queued for booking in the sandbox"
