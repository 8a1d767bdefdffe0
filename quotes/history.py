"""What the invoice's history says about quotes: the quote it was made from."""

from django.urls import reverse
from django.utils.translation import gettext as _

from invoicing.extensions import HistoryEntry
from quotes.models import Quote


def quote_history(invoice) -> list[HistoryEntry]:
    quote = Quote.objects.filter(converted_invoice_id=invoice.pk).only(
        "pk", "number", "updated_at").first()
    if quote is None:
        return []
    return [HistoryEntry(invoice.created_at,
                         _("Made from quote %(number)s") % {"number": quote.number},
                         reverse("quotes:quote_detail", args=[quote.pk]), quote.number)]
