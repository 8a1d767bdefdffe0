from celery import shared_task
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from invoicing.tasks import _copy_to_self, _sender
from quotes.expiry import quote_expire_due
from quotes.links import public_url, quote_new_link
from quotes.models import QuoteEmail, QuoteStatus


def _link_text(quote) -> str:
    """The link paragraph: a new link, minted now (the one sent before stops working)."""
    if quote.status != QuoteStatus.SENT:
        return ""
    with translation.override(quote.language):
        return _("View and accept the quote online:\n%(url)s") % {
            "url": public_url(quote_new_link(quote=quote))}


@shared_task(bind=True, max_retries=5)
def send_quote_email(self, email_id: int) -> None:
    """Send one logged quote email with its PDF and a fresh public link."""
    log = QuoteEmail.objects.select_related("quote__organization", "quote__customer").get(
        pk=email_id)
    if log.status == QuoteEmail.Status.SENT:
        return
    quote = log.quote
    body = "\n\n".join(part for part in (log.body, _link_text(quote)) if part)
    message = EmailMessage(
        subject=log.subject, body=body, to=[log.to], from_email=_sender(quote),
        reply_to=[quote.seller["email"]] if quote.seller.get("email") else None,
        bcc=_copy_to_self(quote.organization),
    )
    with quote.pdf.open("rb") as handle:
        message.attach(f"{quote.number.replace('/', '-')}.pdf", handle.read(), "application/pdf")
    log.attempts += 1
    try:
        message.send()
    except OSError as exc:  # SMTP errors are OSErrors: record, then retry with backoff
        log.status, log.error = QuoteEmail.Status.FAILED, str(exc)[:500]
        log.save(update_fields=["status", "error", "attempts"])
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    log.status, log.error, log.sent_at = QuoteEmail.Status.SENT, "", timezone.now()
    log.save(update_fields=["status", "error", "attempts", "sent_at"])


@shared_task
def expire_quotes_task() -> int:
    """Daily: sent quotes past their validity date become expired."""
    return quote_expire_due()
