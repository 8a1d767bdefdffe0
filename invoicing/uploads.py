"""Attachments of purchase invoices: PDF, PNG or JPEG only, judged by their content (magic
bytes, not the file name), at most ATTACHMENT_MAX_BYTES, scans at most IMAGE_MAX_PIXELS.

A supplier's UBL e-invoice is kept as the attachment of the purchase it filled in: that XML
is accepted only from the e-invoice import (``einvoice_xml``), which has read it as UBL first;
it is always served as a download, never rendered."""

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import image_pixels, too_many_pixels

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentKind:
    extension: str
    mime: str


ALLOWED = {
    "application/pdf": AttachmentKind("pdf", "application/pdf"),
    "image/png": AttachmentKind("png", "image/png"),
    "image/jpeg": AttachmentKind("jpg", "image/jpeg"),
}


EINVOICE_XML = AttachmentKind("xml", "application/xml")


def validate_attachment(upload, *, einvoice_xml: bool = False) -> AttachmentKind:
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file may be at most %(mb)s MB.") % {"mb": ATTACHMENT_MAX_BYTES // 2**20}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    # After a byte order mark (UTF-8 or UTF-16) and white space.
    if einvoice_xml and head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<"):
        return EINVOICE_XML
    guess = filetype.guess(head)
    if guess is None or guess.mime not in ALLOWED:
        raise ValidationError(_("Upload a PDF, PNG or JPEG file."))
    if guess.mime != "application/pdf" and image_pixels(upload) > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(too_many_pixels(settings.IMAGE_MAX_PIXELS))
    return ALLOWED[guess.mime]
