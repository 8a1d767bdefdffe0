"""What every page may show of the sync (settings.TEMPLATES lists this processor), so that
neither accounts nor invoicing imports ebh_sync."""

from functools import cache

from ebh_sync import selectors


def sync_notices(request):
    """``sync_error_count``: Foutmeldingen waiting (a badge on "Instellingen");
    ``sync_never_sent_count``: finalized invoices never booked, offered for export.

    Both are functions: a template calls them when it shows them (once per request), so pages
    that do not show them cost no query."""
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}
    return {
        "sync_error_count": cache(lambda: selectors.error_count(organization)),
        "sync_never_sent_count": cache(lambda: selectors.never_sent_count(organization)),
    }
