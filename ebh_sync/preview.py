"""The booking preview: how an invoice that is not booked yet will be booked in e-Boekhouden,
and what would stop it (the pre-flight problems).

The booking is built by the same mapping that builds the real AddMutatie (``mapping``), from
our own rows only: no SOAP call on a page view. ``booking_preview`` is the one selector (a
handful of queries); everything else here is pure."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from connections.models import Connection
from connections.services import administration_key
from ebh_sync import mapping
from ebh_sync.engine import connection_accounts
from ebh_sync.models import RelationLink, SyncJob
from eboekhouden import rest
from eboekhouden.client import MutationData, MutationLine
from invoicing import extensions, numbering
from invoicing import services as invoicing_services
from invoicing.models import PurchaseInvoice, SalesInvoice

CLOSED_PERIOD_CODE = "CMUT020"
# Without a configured connection there are no ledger accounts to show a booking with.
BLOCKING = {"not_connected", "not_configured"}


@dataclass(frozen=True)
class Problem:
    """Something that keeps the booking from going through as shown. ``code`` is stable
    (templates and tests key on it); ``message`` is for the user."""

    code: str
    message: str
    url: str = ""
    link_label: str = ""


@dataclass(frozen=True)
class Relation:
    code: str
    name: str
    exists: bool  # we have booked on (or imported) this code in this administration


@dataclass(frozen=True)
class Booking:
    """The mutation as it will be sent, with what the page adds to it in words."""

    mutation: MutationData
    relation: Relation
    number_is_expected: bool  # a draft's number is assigned only when it is finalized
    chart: Mapping[str, str] = field(default_factory=dict)  # account code -> label
    cost_centres: Mapping[int, str] = field(default_factory=dict)  # KostenplaatsID -> name

    @property
    def net_total(self) -> Decimal:
        return sum((line.net for line in self.mutation.lines), Decimal(0))

    @property
    def vat_total(self) -> Decimal:
        return sum((line.vat for line in self.mutation.lines), Decimal(0))

    @property
    def gross_total(self) -> Decimal:
        return sum((line.gross for line in self.mutation.lines), Decimal(0))

    @property
    def account_label(self) -> str:
        return self.label(self.mutation.account)

    @property
    def lines(self) -> list[tuple[MutationLine, str, str]]:
        """Each booking line with its contra account as the chart names it and its cost
        centre ("" for none)."""
        return [(line, self.label(line.contra_account), self.cost_centre_label(line))
                for line in self.mutation.lines]

    def label(self, code: str) -> str:
        """"8000 Omzet" where the chart is known, else the code alone."""
        label = self.chart.get(code, "")
        if not label or label.startswith(code):
            return label or code
        return f"{code} {label}"

    @property
    def has_cost_centres(self) -> bool:
        return any(line.cost_centre for line in self.mutation.lines)

    def cost_centre_label(self, line: MutationLine) -> str:
        return self.cost_centres.get(line.cost_centre) or str(line.cost_centre or "")

    @property
    def is_sales(self) -> bool:
        return self.mutation.kind == mapping.SALES_KIND

    @property
    def is_credit(self) -> bool:
        """A credit note: booked as the same kind with negative amounts."""
        return self.gross_total < 0


@dataclass(frozen=True)
class Preview:
    problems: tuple[Problem, ...]
    booking: Booking | None = None  # None: nothing can be shown (no connection, bad data)


# --- building blocks (pure) ------------------------------------------------------------------


def as_finalized(invoice: SalesInvoice, number: str) -> SalesInvoice:
    """An unsaved copy of a draft with what finalizing puts on it, so that the mapping sees
    exactly the invoice it will book."""
    frozen = copy.copy(invoice)
    invoicing_services.stamp_number(frozen, number)
    return frozen


def mutation_for(invoice, accounts: mapping.Accounts, vat_totals, lines) -> MutationData:
    """The real mapping, for either kind of invoice; raises mapping.MappingError."""
    if isinstance(invoice, PurchaseInvoice):
        return mapping.purchase_mutation(invoice, accounts, vat_totals, lines)
    return mapping.sales_mutation(invoice, accounts, vat_totals, lines)


def connection_problems(connection: Connection | None) -> list[Problem]:
    """Problems of the link itself; the first two mean that nothing can be shown."""
    link = reverse("connections:overview")
    label = _("Connections")
    if connection is None or connection.status == Connection.Status.NOT_CONNECTED:
        return [Problem("not_connected", _("e-Boekhouden.nl is not connected: this invoice "
                                           "will not be booked."), link, label)]
    if not connection.is_configured:
        return [Problem("not_configured", _("The connection with e-Boekhouden.nl is not set "
                                            "up yet: choose the administration and the ledger "
                                            "accounts first."), link, label)]
    if connection.status == Connection.Status.ACTION_NEEDED:
        return [Problem("action_needed", _("The connection with e-Boekhouden.nl needs action: "
                                           "the booking waits until it works again."),
                        link, label)]
    return []


def booking_problems(
    mutation: MutationData, *, chart: Mapping[str, str] | None,
    closed_until: datetime.date | None, uses_rest: bool = False,
) -> list[Problem]:
    """What e-Boekhouden would refuse or change, known without asking it. ``chart``: the
    contra accounts the administration offers, as last fetched (None: not known, the check
    is skipped); ``closed_until``: the date of the last booking refused for a closed
    period; ``uses_rest``: the connection books over REST (an API token)."""
    problems = _account_problems(mutation, chart)
    if closed_until is not None and mutation.date <= closed_until:
        problems.append(Problem("closed_period", _(
            "e-Boekhouden.nl refused a booking dated %(refused)s because its period is closed "
            "(CMUT020). This invoice is dated %(date)s: it will be refused as well unless that "
            "period is opened again."
        ) % {"refused": _date(closed_until), "date": _date(mutation.date)}))
    if uses_rest:
        return problems + _rest_problems(mutation)
    if _is_cut(mutation.description):
        problems.append(Problem("description_cut", _(
            "The description is longer than %(max)s characters: e-Boekhouden.nl receives it "
            "shortened."
        ) % {"max": mapping.DESCRIPTION_MAX}))
    return problems


def _rest_problems(mutation: MutationData) -> list[Problem]:
    """REST books the VAT of each row itself (rounded per row) and takes at most 50
    characters of description: say so where that changes what this invoice shows."""
    problems = [
        Problem("rest_vat_rounding", _(
            "Over the API token e-Boekhouden.nl computes the VAT of each booking line itself: "
            "for %(code)s it books %(booked)s VAT where this invoice has %(vat)s."
        ) % {"code": code, "booked": booked, "vat": vat})
        for code, (vat, booked) in sorted(rest.vat_differences(mutation.lines).items())
    ]
    if len(mutation.description) > rest.DESCRIPTION_LIMIT:
        problems.append(Problem("rest_description_cut", _(
            "Over the API token e-Boekhouden.nl takes at most %(max)s characters of "
            "description: it receives \"%(cut)s\"."
        ) % {"max": rest.DESCRIPTION_LIMIT,
             "cut": mutation.description[:rest.DESCRIPTION_LIMIT]}))
    return problems


def _account_problems(mutation: MutationData, chart: Mapping[str, str] | None) -> list[Problem]:
    link, label = reverse("connections:overview"), _("Connections")
    problems = []
    missing = sorted({line.vat_code for line in mutation.lines if not line.contra_account})
    if not mutation.account or missing:
        problems.append(Problem("no_contra_account", _(
            "No ledger account is set for %(what)s: choose one in the connection settings."
        ) % {"what": ", ".join(missing) or _("the debtors or creditors account")}, link, label))
    if chart is not None:
        contra = dict.fromkeys(line.contra_account for line in mutation.lines)
        gone = [code for code in contra if code and code not in chart]
        if gone:
            problems.append(Problem("not_in_chart", _(
                "Ledger account %(codes)s is no longer in the chart of accounts of the "
                "administration: choose another one in the connection settings."
            ) % {"codes": ", ".join(gone)}, link, label))
    return problems


def _is_cut(description: str) -> bool:
    # mapping._description shortens to DESCRIPTION_MAX with a trailing ellipsis.
    return len(description) == mapping.DESCRIPTION_MAX and description.endswith("…")


def _date(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


def build_preview(
    invoice, *, connection: Connection | None, vat_totals, lines, relation_exists: bool,
    chart: Mapping[str, str] | None = None, closed_until: datetime.date | None = None,
    expected_number: str = "",
) -> Preview:
    """The preview of ``invoice`` (a sales draft, or a purchase invoice not booked yet)."""
    problems = connection_problems(connection)
    if any(problem.code in BLOCKING for problem in problems):
        return Preview(tuple(problems))
    document = as_finalized(invoice, expected_number) if expected_number else invoice
    try:
        mutation = mutation_for(document, connection_accounts(connection), vat_totals, lines)
    except mapping.MappingError as exc:
        return Preview((*problems, Problem("mapping", str(exc))))
    problems += booking_problems(mutation, chart=chart, closed_until=closed_until,
                                 uses_rest=connection.uses_rest)
    relation = Relation(mutation.relation_code, _party_name(invoice), relation_exists)
    booking = Booking(mutation, relation, bool(expected_number), chart or {},
                      _cost_centre_names(connection))
    return Preview(tuple(problems), booking)


def _cost_centre_names(connection: Connection) -> dict[int, str]:
    """The cost centres as last read, and the default with the name it was chosen by."""
    names = dict(connection.cost_centre_choices())
    if connection.default_cost_centre_id and connection.default_cost_centre_name:
        names.setdefault(connection.default_cost_centre_id, connection.default_cost_centre_name)
    return names


def _party_name(invoice) -> str:
    if isinstance(invoice, PurchaseInvoice):
        return invoice.supplier.name
    return invoice.buyer.get("name") or invoice.customer.name


# --- the selector ----------------------------------------------------------------------------


def shows_preview(invoice) -> bool:
    """A sales invoice until it is finalized; a purchase invoice until it is booked."""
    if isinstance(invoice, SalesInvoice) or invoice.is_draft:
        return invoice.is_draft
    return not SyncJob.objects.filter(
        purchase_invoice=invoice, state=SyncJob.State.BOOKED
    ).exists()


def booking_preview(invoice) -> Preview:
    """Read what the preview needs (connection, known relation, last closed-period refusal,
    the draft's expected number) and build it."""
    connection = (
        Connection.objects.filter(organization_id=invoice.organization_id)
        .prefetch_related("overrides").first()
    )
    usable = not any(p.code in BLOCKING for p in connection_problems(connection))
    return build_preview(
        invoice, connection=connection, vat_totals=list(invoice.vat_totals.all()),
        lines=list(invoice.lines.all()),
        relation_exists=usable and _relation_known(connection, invoice),
        chart=_known_chart(invoice) if usable else None,
        closed_until=_closed_until(connection) if usable else None,
        expected_number=_expected_number(invoice),
    )


def _known_chart(invoice) -> dict[str, str] | None:
    """The contra accounts of the invoice's side as the ledger-choices provider knows them
    (what the line editors offer, never fetched on a page view); None: no chart known."""
    side = "purchase" if isinstance(invoice, PurchaseInvoice) else "sales"
    return dict(extensions.ledger_choices(invoice.organization, side)) or None


def _relation_known(connection: Connection, invoice) -> bool:
    code = (invoice.supplier.code if isinstance(invoice, PurchaseInvoice)
            else invoice.buyer.get("code") or invoice.customer.code)
    # The same memory the engine consults before AddRelatie (engine.Runner.ensure_relation).
    # Relation codes are unique in e-Boekhouden regardless of case.
    return RelationLink.objects.filter(
        connection=connection, code__iexact=code,
        administration=administration_key(connection.administration_guid()),
    ).exists()


def _closed_until(connection: Connection) -> datetime.date | None:
    """The invoice date of the newest booking refused because its period is closed."""
    return (
        SyncJob.objects.filter(connection=connection, last_error_code=CLOSED_PERIOD_CODE)
        .order_by("-updated_at", "-id").values_list("invoice_date", flat=True).first()
    )


def _expected_number(invoice) -> str:
    """The number a draft gets if it is the next one finalized ("" when not a draft)."""
    if not isinstance(invoice, SalesInvoice) or not invoice.is_draft:
        return ""
    organization = invoice.organization
    year = numbering.invoice_series_year(organization=organization, issue_date=invoice.issue_date)
    sequence = numbering.peek_next_invoice_sequence(organization=organization, year=year)
    return numbering.format_invoice_number(
        organization=organization, year=invoice.issue_date.year, sequence=sequence
    )
