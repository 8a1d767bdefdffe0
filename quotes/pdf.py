"""Quote PDFs: rendered from the quote's frozen snapshot in the customer's language, with
the invoice PDF's fonts, fetcher and partials (letterhead, lines, totals)."""

from django.template.loader import render_to_string
from django.utils import translation

from invoicing.pdf import document_fonts, html_to_pdf, logo_path
from invoicing.snapshots import seller_snapshot
from invoicing.vat import sales_rate
from quotes.models import Quote


def _legal_texts(vat_totals) -> list[str]:
    """What the invoice will have to say about its VAT rates (reverse charge, ICP), said on
    the quote already, in the active (the quote's) language."""
    texts = [str(sales_rate(t.vat_rate).legal_text) for t in vat_totals
             if sales_rate(t.vat_rate).legal_text]
    return list(dict.fromkeys(texts))


def quote_context(quote: Quote, preview: bool = False) -> dict:
    vat_totals = list(quote.vat_totals.all())
    return {"preview": preview, "quote": quote, "seller": quote.seller, "buyer": quote.buyer,
            "lines": list(quote.lines.all()), "vat_totals": vat_totals,
            "legal_texts": _legal_texts(vat_totals), "logo_url": logo_path(quote),
            **document_fonts()}


def render_quote_html(quote: Quote, preview: bool = False) -> str:
    with translation.override(quote.language):
        return render_to_string("quotes/pdf/quote.html", quote_context(quote, preview))


def render_quote_pdf(quote: Quote, preview: bool = False) -> bytes:
    return html_to_pdf(render_quote_html(quote, preview), f"facturen-quote-{quote.pk}")


def render_draft_preview(quote: Quote) -> bytes:
    """A draft as it would look, marked as a draft; nothing is numbered or stored."""
    if not quote.is_draft:
        raise ValueError("only drafts have a preview; sent quotes have their PDF")
    quote.seller = seller_snapshot(quote.organization)
    quote.buyer = quote.customer.snapshot()
    return render_quote_pdf(quote, preview=True)
