"""Extension points: other apps add facts to invoice pages without invoicing importing them.

The accounting link registers a badge provider: a function ``(kind, invoices) -> {id: badge}``
with ``kind`` "sales" or "purchase" (or "work_order": work order pages use the same hook for
the invoice a work order becomes); a badge has ``label``, ``css`` and ``title`` (and, to
show under the header, ``detail``, a link ``url`` and a POST ``retry_url``). Pages show
the badges next to the document's own status, fetched once per page."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


# The ledger accounts a line may be booked on belong to the accounting side, which invoicing
# does not import. The accounting link registers a provider: ``(organization, kind) ->
# [(code, label), ...]`` with ``kind`` "purchase" (cost accounts) or "sales"; an empty list
# means "no chart known" (not connected), and the line then takes free text.
LedgerChoicesProvider = Callable[[object, str], list]
_ledger_choices_providers: list[LedgerChoicesProvider] = []


def register_ledger_choices_provider(provider: LedgerChoicesProvider) -> None:
    if provider not in _ledger_choices_providers:
        _ledger_choices_providers.append(provider)


def unregister_ledger_choices_provider(provider: LedgerChoicesProvider) -> None:
    if provider in _ledger_choices_providers:
        _ledger_choices_providers.remove(provider)


def ledger_choices(organization, kind: str) -> list[tuple[str, str]]:
    """The accounts of the first provider that knows any, as (code, label) pairs; [] when none
    does."""
    for provider in _ledger_choices_providers:
        choices = [(str(code), str(label)) for code, label in provider(organization, kind)]
        if choices:
            return choices
    return []


# Cost centres (e-Boekhouden's kostenplaatsen) also belong to the accounting side. The
# accounting link registers a provider: ``organization -> [(id, label), ...]``; an empty list
# means "none known" (not connected, or an administration without cost centres), and the line
# editors then show no cost-centre column at all. A line's cost centre 0 means "the
# connection's default".
CostCentreChoicesProvider = Callable[[object], list]
_cost_centre_choices_providers: list[CostCentreChoicesProvider] = []


def register_cost_centre_choices_provider(provider: CostCentreChoicesProvider) -> None:
    if provider not in _cost_centre_choices_providers:
        _cost_centre_choices_providers.append(provider)


def unregister_cost_centre_choices_provider(provider: CostCentreChoicesProvider) -> None:
    if provider in _cost_centre_choices_providers:
        _cost_centre_choices_providers.remove(provider)


def cost_centre_choices(organization) -> list[tuple[int, str]]:
    """The cost centres of the first provider that knows any, as (id, label) pairs without
    id 0 (that is "the default", never a choice of its own); [] when none does."""
    for provider in _cost_centre_choices_providers:
        choices = [(int(c_id), str(label)) for c_id, label in provider(organization)
                   if int(c_id)]
        if choices:
            return choices
    return []


# The start page shows what other apps know without invoicing importing them: the accounting
# link contributes bookings waiting and failed ("count"), its first step "connect" ("step") and
# what its imports brought in ("notice"). A provider: ``organization -> [StartItem, ...]``,
# asked once per page with a bounded number of queries; one registered ``per_user`` is asked
# ``(organization, user)`` instead (e.g. accounts: "owners, turn on two-step verification"),
# and only where a user is known.
@dataclass(frozen=True)
class StartItem:
    place: str  # "count", "step" or "notice"
    label: str
    url: str
    link_label: str = ""
    count: int | None = None
    tone: str = ""  # "warning" or "danger" when the user should act
    done: bool = False


StartItemsProvider = Callable[..., list]
_start_items_providers: list[tuple[StartItemsProvider, bool]] = []


def register_start_items_provider(provider: StartItemsProvider, *, per_user: bool = False) -> None:
    if (provider, per_user) not in _start_items_providers:
        _start_items_providers.append((provider, per_user))


def start_items(organization, user=None) -> dict[str, list[StartItem]]:
    """Every provider's items by place ("count", "step", "notice"), each provider asked once."""
    places: dict[str, list[StartItem]] = {"count": [], "step": [], "notice": []}
    for provider, per_user in _start_items_providers:
        if per_user and user is None:
            continue
        for item in provider(organization, user) if per_user else provider(organization):
            places.setdefault(item.place, []).append(item)
    return places


# Invoices that exist only in another system (the accounting package's invoicing module makes
# the invoice of a work order there, under a number of our own series) are rows of the invoice
# list too, read-only. The accounting link registers a provider: ``(organization, filters) ->
# [row, ...]`` with ``filters`` a dict (customer id, date_from, date_to, query; each may be
# None); a row has number, issue_date, due_date, customer_name, net_total, gross_total,
# currency, badge (label, css, title), pdf_url, source_url and source_label.
ExternalInvoiceProvider = Callable[[object, dict], list]
_external_invoice_providers: list[ExternalInvoiceProvider] = []


def register_external_invoice_provider(provider: ExternalInvoiceProvider) -> None:
    if provider not in _external_invoice_providers:
        _external_invoice_providers.append(provider)


def external_invoices(organization, filters: dict) -> list:
    """Every provider's rows for these filters, newest first."""
    rows = [row for provider in _external_invoice_providers
            for row in provider(organization, filters)]
    return sorted(rows, key=lambda row: (row.issue_date, row.number), reverse=True)


# An invoice's history (its page's "History" card) is what happened to it, newest first:
# invoicing's own facts (created, finalized, emailed, paid, credited) and what other apps did
# with it (a quote it came from, the recurring template that made it, reminders sent, a payment
# seen in the accounting package). A provider: ``invoice -> [HistoryEntry, ...]``, asked once
# per page with a bounded number of queries.
@dataclass(frozen=True)
class HistoryEntry:
    at: object  # a datetime, or a date (shown without a time)
    text: str
    url: str = ""
    link_label: str = ""

    @property
    def has_time(self) -> bool:
        return hasattr(self.at, "hour")


HistoryProvider = Callable[[object], list]
_history_providers: list[HistoryProvider] = []


def register_history_provider(provider: HistoryProvider) -> None:
    if provider not in _history_providers:
        _history_providers.append(provider)


def provided_history(invoice) -> list[HistoryEntry]:
    return [entry for provider in _history_providers for entry in provider(invoice)]


# Files other apps attach to an invoice's email beside its PDF (the e-invoice app: the UBL,
# when the customer wants it). A provider: ``invoice -> [(filename, content, mimetype), ...]``,
# asked when the email is sent.
EmailAttachmentProvider = Callable[[object], list]
_email_attachment_providers: list[EmailAttachmentProvider] = []


def register_email_attachment_provider(provider: EmailAttachmentProvider) -> None:
    if provider not in _email_attachment_providers:
        _email_attachment_providers.append(provider)


def email_attachments(invoice) -> list[tuple[str, bytes, str]]:
    return [item for provider in _email_attachment_providers for item in provider(invoice)]
