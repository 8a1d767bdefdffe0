"""``{% booking_preview invoice %}``: how an invoice not booked yet will be booked in
e-Boekhouden, on invoicing's pages without invoicing importing the sync.

``part`` splits the block where a page wants it: "problems" (the pre-flight problems, to show
near the page's actions), "booking" (the booking itself) or "all" (both, problems first).
The preview is computed once per invoice object, however many parts a page shows."""

from django import template

from ebh_sync.preview import booking_preview as build
from ebh_sync.preview import shows_preview

register = template.Library()

PARTS = {"all", "problems", "booking"}


def _preview_of(invoice):
    # Memoized on the instance, as invoicing.extensions does with extra_badges.
    if not hasattr(invoice, "_booking_preview"):
        invoice._booking_preview = build(invoice) if shows_preview(invoice) else None
    return invoice._booking_preview


def _own(context, invoice) -> bool:
    """The views already load the invoice for the active organization only; a block about
    bookings never renders for another organization's row all the same (nor for a form
    page's invoice that is not saved yet: None)."""
    organization = getattr(context.get("request"), "organization", None)
    return (getattr(invoice, "pk", None) is not None and organization is not None
            and invoice.organization_id == organization.pk)


@register.inclusion_tag("ebh_sync/_booking_preview.html", takes_context=True)
def booking_preview(context, invoice, part: str = "all") -> dict:
    if part not in PARTS:
        raise template.TemplateSyntaxError(f"booking_preview: unknown part {part!r}")
    preview = _preview_of(invoice) if _own(context, invoice) else None
    return {"preview": preview, "part": part}
