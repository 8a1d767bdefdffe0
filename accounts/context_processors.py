from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (section, label, url name). A section appears once its app provides the URL.
NAVIGATION = [
    ("invoices", _("Invoices"), "invoicing:invoice_list"),
    ("quotes", _("Quotes"), "quotes:quote_list"),
    ("purchases", _("Purchases"), "invoicing:purchase_list"),
    ("workorders", _("Work orders"), "workorders:workorder_list"),
    ("customers", _("Customers"), "invoicing:customer_list"),
    ("suppliers", _("Suppliers"), "invoicing:supplier_list"),
    ("settings", _("Settings"), "accounts:organization_settings"),
]
# Extra pages under Settings, shown once their app provides them.
SETTINGS_NAVIGATION = [
    ("connections", _("Connections"), "connections:overview"),
    ("reminders", _("Payment reminders"), "reminders:schedule"),
    ("api", _("API"), "api_tokens:tokens"),
    ("webhooks", _("Webhooks"), "webhooks:endpoint_list"),
]


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _resolved(entries) -> list[dict]:
    items = []
    for section, label, name in entries:
        url = _url_or_none(name)
        if url:
            items.append({"section": section, "label": label, "url": url})
    return items


def navigation(request):
    if not getattr(request, "organization", None):
        return {}
    items = _resolved(NAVIGATION)
    current = next(
        (item["section"] for item in items if request.path.startswith(item["url"])), None
    )
    if current is None and request.path.startswith("/settings/"):
        current = "settings"
    memberships = request.user.memberships.select_related("organization").order_by(
        "organization__name"
    )
    return {
        "nav_items": items,
        "settings_extra_nav": _resolved(SETTINGS_NAVIGATION),
        "nav_current": current,
        "nav_memberships": memberships,
    }
