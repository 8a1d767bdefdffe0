"""The reminder email: sent from the row written before it, with the invoice's PDF."""

from celery import shared_task

from invoicing.mail import document_email, send_and_record
from reminders.models import SentReminder


@shared_task(bind=True, max_retries=5)
def send_reminder_email(self, reminder_id: int) -> None:
    """Send one queued reminder with the invoice's stored PDF; the row records the outcome."""
    reminder = SentReminder.objects.select_related("invoice__organization").get(pk=reminder_id)
    if reminder.status == SentReminder.Status.SENT:
        return
    message = document_email(reminder.invoice, subject=reminder.subject, body=reminder.body,
                             to=reminder.to)
    send_and_record(self, reminder, message)
