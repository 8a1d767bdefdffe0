from celery import shared_task
from django.utils import translation
from django.utils.translation import gettext as _

from invoicing.mail import document_email, send_and_record
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
    message = document_email(quote, subject=log.subject, body=body, to=log.to)
    send_and_record(self, log, message)


@shared_task
def expire_quotes_task() -> int:
    """Daily: sent quotes past their validity date become expired."""
    return quote_expire_due()
