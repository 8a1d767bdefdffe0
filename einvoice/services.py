"""Workflows of received e-invoices: take in a supplier's file, register its purchase invoice.

Nothing is stored for a file that is not a sound UBL invoice for this organization; a sound
one is kept (``ReceivedEInvoice``) until the user registers the purchase it proposes, which
happens with the purchase registration of invoicing, the file becoming its attachment."""

import datetime
from dataclasses import replace

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from einvoice.models import ReceivedEInvoice
from einvoice.proposals import Proposal, propose
from einvoice.reader import EInvoiceError, is_pdf, read_einvoice, read_upload
from invoicing.models import PurchaseInvoice, Supplier
from invoicing.services import PurchaseData, party_save, purchase_invoice_register
from invoicing.uploads import EINVOICE_XML

# An upload nobody registered is forgotten (row and file) after this long.
KEEP_UNREGISTERED = datetime.timedelta(days=7)


def einvoice_receive(*, organization: Organization, upload, user) -> ReceivedEInvoice:
    """Read ``upload`` and keep it when it proposes a purchase invoice for ``organization``;
    EInvoiceError (with the user's message) and nothing stored otherwise."""
    content = read_upload(upload)
    propose(organization=organization, document=read_einvoice(content))
    kind = "pdf" if is_pdf(content) else "xml"
    with transaction.atomic():
        _forget_unregistered(organization)
        received = ReceivedEInvoice(
            organization=organization, uploaded_by=user,
            file_name=(upload.name or f"e-invoice.{kind}")[-200:],
            file_type="application/pdf" if kind == "pdf" else EINVOICE_XML.mime,
        )
        received.file.save(f"{organization.pk}.{kind}", ContentFile(content), save=False)
        received.save()
    return received


def _forget_unregistered(organization: Organization) -> None:
    stale = ReceivedEInvoice.objects.for_organization(organization).filter(
        purchase__isnull=True, uploaded_at__lt=timezone.now() - KEEP_UNREGISTERED)
    for received in stale:
        _delete_file_on_commit(received.file.name, received.file.storage)
        received.delete()


def _delete_file_on_commit(name: str, storage) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def einvoice_proposal(*, received: ReceivedEInvoice) -> Proposal:
    """The purchase invoice the kept file proposes, read again (a supplier created in the
    meantime is matched now)."""
    with received.file.open("rb") as stored:
        content = stored.read()
    return propose(organization=received.organization, document=read_einvoice(content))


@transaction.atomic
def einvoice_register(
    *, received: ReceivedEInvoice, data: PurchaseData, new_supplier: Supplier | None, user,
) -> PurchaseInvoice:
    """Register the purchase invoice the user checked, creating the proposed supplier when
    the user confirmed it, with the original file as its attachment; all or nothing."""
    received = ReceivedEInvoice.objects.select_for_update().get(pk=received.pk)
    if received.purchase_id is not None:
        raise EInvoiceError(_("This e-invoice has already been registered."))
    organization = received.organization
    if new_supplier is not None:
        data = replace(data, supplier=party_save(party=new_supplier, organization=organization))
    with received.file.open("rb") as stored:
        invoice = purchase_invoice_register(
            organization=organization, data=data, user=user,
            attachment=File(stored, name=received.file_name),
            einvoice_xml=received.file_type == EINVOICE_XML.mime,
        )
    _delete_file_on_commit(received.file.name, received.file.storage)
    received.purchase, received.file = invoice, ""
    received.save(update_fields=["purchase", "file"])
    return invoice
