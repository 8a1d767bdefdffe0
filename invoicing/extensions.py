"""Extension points: other apps add facts to invoice pages without invoicing importing them.

The accounting link registers a badge provider: a function ``(kind, invoices) -> {id: badge}``
with ``kind`` "sales" or "purchase" (or "work_order": work order pages use the same hook for
the invoice a work order becomes); a badge has ``label``, ``css`` and ``title``. Pages show
the badges next to the document's own status, fetched once per page."""

from collections.abc import Callable, Iterable

BadgeProvider = Callable[[str, list], dict]
_badge_providers: list[BadgeProvider] = []


def register_badge_provider(provider: BadgeProvider) -> None:
    if provider not in _badge_providers:
        _badge_providers.append(provider)


def attach_badges(kind: str, invoices: Iterable) -> list:
    """Set ``invoice.extra_badges`` on each invoice (a list, possibly empty)."""
    invoices = list(invoices)
    for invoice in invoices:
        invoice.extra_badges = []
    for provider in _badge_providers:
        badges = provider(kind, invoices)
        for invoice in invoices:
            badge = badges.get(invoice.pk)
            if badge is not None:
                invoice.extra_badges.append(badge)
    return invoices
