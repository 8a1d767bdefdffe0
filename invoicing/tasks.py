from email.utils import formataddr, parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from invoicing import exchange_rates
from invoicing.models import EmailLog


@shared_task(bind=True, max_retries=5)
def send_invoice_email(self, email_log_id: int) -> None:
    """Send one logged invoice email with its stored PDF; the log row records the outcome."""
    log = EmailLog.objects.select_related("invoice__organization").get(pk=email_log_id)
    if log.status == EmailLog.Status.SENT:
        return
    invoice = log.invoice
    message = EmailMessage(
        subject=log.subject, body=log.body, to=[log.to], from_email=_sender(invoice),
        reply_to=[invoice.seller["email"]] if invoice.seller.get("email") else None,
        bcc=_copy_to_self(invoice.organization),
    )
    with invoice.pdf.open("rb") as handle:
        message.attach(f"{invoice.number.replace('/', '-')}.pdf", handle.read(), "application/pdf")
    log.attempts += 1
    try:
        message.send()
    except OSError as exc:  # SMTP errors are OSErrors: record, then retry with backoff
        log.status, log.error = EmailLog.Status.FAILED, str(exc)[:500]
        log.save(update_fields=["status", "error", "attempts"])
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    log.status, log.error, log.sent_at = EmailLog.Status.SENT, "", timezone.now()
    log.save(update_fields=["status", "error", "attempts", "sent_at"])


@shared_task
def refresh_exchange_rates_task() -> bool:
    """Daily: the ECB's newest reference rates where the network allows (else a log line)."""
    return exchange_rates.refresh_rates()


def _sender(invoice) -> str:
    """The business's name before our own sending address: customers see who wrote to them,
    while the mail still leaves from a domain whose SPF and DKIM we control."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((invoice.seller.get("name") or invoice.organization.name, address))


def _copy_to_self(organization) -> list[str]:
    if organization.email_copy_to_self and organization.email:
        return [organization.email]
    return []
