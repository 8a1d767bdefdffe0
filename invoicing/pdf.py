"""Invoice PDFs with WeasyPrint, rendered only from the invoice's frozen snapshot and in the
invoice's own language. Fonts come from the Debian packages fonts-dejavu-core and
fonts-noto-color-emoji; nothing is fetched from the network (the URL fetcher refuses
everything but those fonts and the logo)."""

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from invoicing.models import SalesInvoice
from invoicing.payment_qr import epc_qr_svg
from invoicing.snapshots import legal_texts, seller_snapshot

# WeasyPrint logs every rendering step at INFO; only its warnings are worth reading.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# Colour emoji in names and lines, from the Debian package fonts-noto-color-emoji.
EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")


class BlockedResourceError(Exception):
    pass


def _allowed_roots() -> list[Path]:
    return [FONT_DIR.resolve(), EMOJI_FONT.parent.resolve(), Path(settings.MEDIA_ROOT).resolve()]


def _local_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFileFetcher(URLFetcher):
        """Only files under the font directory or MEDIA_ROOT (the logo); never the network."""

        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise BlockedResourceError(url)
            path = Path(url.removeprefix("file://")).resolve()
            if not any(path.is_relative_to(root) for root in _allowed_roots()):
                raise BlockedResourceError(url)
            return super().fetch(url, headers)

    return LocalFileFetcher(allowed_protocols=["file"])


def logo_path(invoice: SalesInvoice) -> str:
    name = invoice.seller.get("logo") or ""
    if not name:
        return ""
    path = (Path(settings.MEDIA_ROOT) / name).resolve()
    return path.as_uri() if path.is_file() else ""


def invoice_context(invoice: SalesInvoice, preview: bool = False) -> dict:
    return {
        "preview": preview,
        "invoice": invoice,
        "seller": invoice.seller,
        "buyer": invoice.buyer,
        "lines": list(invoice.lines.all()),
        "vat_totals": list(invoice.vat_totals.all()),
        "logo_url": logo_path(invoice),
        # segno's SVG holds only path data, no text of the invoice. A draft gets no code: it
        # is not a valid invoice and has no payment reference yet.
        "epc_qr": "" if preview else mark_safe(epc_qr_svg(invoice)),  # noqa: S308
        **document_fonts(),
    }


def render_invoice_html(invoice: SalesInvoice, preview: bool = False) -> str:
    with translation.override(invoice.language):
        return render_to_string("invoicing/pdf/invoice.html", invoice_context(invoice, preview))


def render_invoice_pdf(invoice: SalesInvoice, preview: bool = False) -> bytes:
    return html_to_pdf(render_invoice_html(invoice, preview), f"facturen-{invoice.pk}")


def document_fonts() -> dict:
    """The font files a document template's @font-face rules point at."""
    return {"font_dir": FONT_DIR.as_uri(), "emoji_font": EMOJI_FONT.as_uri()}


def html_to_pdf(html: str, identifier: str) -> bytes:
    """A PDF of a document's HTML; only the fonts and the logo are fetched (never the
    network). Quotes render through this too."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(Path(settings.MEDIA_ROOT).resolve()),
                    url_fetcher=_local_fetcher())
    # A fixed identifier and no creation date: the same snapshot gives the same bytes.
    return document.write_pdf(pdf_identifier=identifier.encode())


def render_draft_preview(invoice: SalesInvoice) -> bytes:
    """A draft as it would look, marked as a draft; nothing is numbered, frozen or stored."""
    if not invoice.is_draft:
        raise ValueError("only drafts have a preview; finalized invoices have their PDF")
    invoice.seller = seller_snapshot(invoice.organization)
    invoice.buyer = invoice.customer.snapshot()
    invoice.legal_texts = legal_texts(invoice, [t.vat_rate for t in invoice.vat_totals.all()])
    return render_invoice_pdf(invoice, preview=True)
