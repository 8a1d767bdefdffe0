"""The reminder email: sent from the row written before it, with the invoice's PDF."""

from celery import shared_task
from django.core.mail import EmailMessage
from django.utils import timezone

from invoicing.tasks import _copy_to_self, _sender
from reminders.models import SentReminder


@shared_task(bind=True, max_retries=5)
def send_reminder_email(self, reminder_id: int) -> None:
    """Send one queued reminder with the invoice's stored PDF; the row records the outcome."""
    reminder = SentReminder.objects.select_related("invoice__organization").get(pk=reminder_id)
    if reminder.status == SentReminder.Status.SENT:
        return
    message = _message(reminder)
    reminder.attempts += 1
    try:
        message.send()
    except OSError as exc:  # SMTP errors are OSErrors: record, then retry with backoff
        reminder.status, reminder.error = SentReminder.Status.FAILED, str(exc)[:500]
        reminder.save(update_fields=["status", "error", "attempts"])
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    reminder.status, reminder.error = SentReminder.Status.SENT, ""
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["status", "error", "attempts", "sent_at"])


def _message(reminder: SentReminder) -> EmailMessage:
    invoice = reminder.invoice
    message = EmailMessage(
        subject=reminder.subject, body=reminder.body, to=[reminder.to],
        from_email=_sender(invoice),
        reply_to=[invoice.seller["email"]] if invoice.seller.get("email") else None,
        bcc=_copy_to_self(invoice.organization),
    )
    with invoice.pdf.open("rb") as handle:
        message.attach(f"{invoice.number.replace('/', '-')}.pdf", handle.read(), "application/pdf")
    return message
