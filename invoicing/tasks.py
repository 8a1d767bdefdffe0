from celery import shared_task

from invoicing import exchange_rates
from invoicing.extensions import email_attachments
from invoicing.mail import document_email, send_and_record
from invoicing.models import EmailLog


@shared_task(bind=True, max_retries=5)
def send_invoice_email(self, email_log_id: int) -> None:
    """Send one logged invoice email with its stored PDF (and what other apps attach, e.g. the
    e-invoice); the log row records the outcome."""
    log = EmailLog.objects.select_related("invoice__organization").get(pk=email_log_id)
    if log.status == EmailLog.Status.SENT:
        return
    extra = email_attachments(log.invoice)
    message = document_email(log.invoice, subject=log.subject, body=log.body, to=log.to,
                             attachments=extra)
    log.attachments = [name for name, _content, _mimetype in extra]
    send_and_record(self, log, message, ["attachments"])


@shared_task
def refresh_exchange_rates_task() -> bool:
    """Daily: the ECB's newest reference rates where the network allows (else a log line)."""
    return exchange_rates.refresh_rates()

