"""Emails of frozen documents (invoices, quotes, reminders of an invoice): one way to build
them and one way to send them from the row written before the task.

A document here has ``seller`` (its frozen snapshot), ``organization``, ``number`` and a
stored ``pdf``; a row has ``status`` (its model's ``Status`` with SENT and FAILED), ``error``,
``attempts`` and ``sent_at``."""

from collections.abc import Iterable
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.sending import sending_refusal


def sender(document) -> str:
    """The business's name before our own sending address: customers see who wrote to them,
    while the mail still leaves from a domain whose SPF and DKIM we control."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((document.seller.get("name") or document.organization.name, address))


def copy_to_self(organization) -> list[str]:
    if organization.email_copy_to_self and organization.email:
        return [organization.email]
    return []


def document_email(document, *, subject: str, body: str, to: str,
                   attachments: Iterable[tuple[str, bytes, str]] = ()) -> EmailMessage:
    """From us under the business's name, replies to the business, its PDF attached (and
    ``attachments``, (filename, content, mimetype) each, after it)."""
    seller_email = document.seller.get("email")
    message = EmailMessage(subject=subject, body=body, to=[to], from_email=sender(document),
                           reply_to=[seller_email] if seller_email else None,
                           bcc=copy_to_self(document.organization))
    with document.pdf.open("rb") as handle:
        message.attach(f"{document.number.replace('/', '-')}.pdf", handle.read(),
                       "application/pdf")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def send_and_record(task, row, message: EmailMessage, fields: Iterable[str] = ()) -> None:
    """Send ``message`` for ``row``: the row records each attempt and the outcome (and the
    ``fields`` the caller set on it); an SMTP failure (an OSError) is retried by ``task``
    with a growing delay. A row whose sender may not send (accounts.sending) fails at once:
    its services refuse to write one, so this only guards what slipped past them."""
    refusal = sending_refusal(organization=row.organization, user=row.created_by)
    if refusal:
        row.status, row.error = row.Status.FAILED, refusal[:500]
        row.save(update_fields=["status", "error"])
        return
    row.attempts += 1
    try:
        message.send()
    except OSError as exc:
        row.status, row.error = row.Status.FAILED, str(exc)[:500]
        row.save(update_fields=["status", "error", "attempts", *fields])
        raise task.retry(exc=exc, countdown=60 * 2**task.request.retries) from exc
    row.status, row.error, row.sent_at = row.Status.SENT, "", timezone.now()
    row.save(update_fields=["status", "error", "attempts", "sent_at", *fields])
