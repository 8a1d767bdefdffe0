"""From our invoices to e-Boekhouden's records: pure functions, no I/O.

A sales invoice (or credit note) becomes a FactuurVerstuurd mutation against the debtors
account, a purchase invoice a FactuurOntvangen against the creditors account; each has one line
per VAT rate and (contra account, cost centre) of its lines, built from that rate's stored
totals in EUR (VAT is computed per rate on the rate's total; a rate spread over several
targets is apportioned, see :func:`apportion`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from eboekhouden.client import (
    InvoiceData,
    InvoiceLine,
    MutationData,
    MutationLine,
    RelationData,
)
from invoicing.money import CENT, HUNDRED, round_money
from invoicing.vat import sales_rate

SALES_KIND = "FactuurVerstuurd"
PURCHASE_KIND = "FactuurOntvangen"
DESCRIPTION_MAX = 200
INVOICE_LINES_MAX = 100  # AddFactuur takes 1 to 100 lines (CFACT006)
LINE_CODE_MAX = 50

# cRelatie field lengths (SOAP_API.md §3.7).
RELATION_LIMITS = {
    "code": 15, "name": 100, "contact_person": 150, "address": 150, "postcode": 50,
    "city": 50, "country": 50, "email": 150, "phone": 50, "vat_id": 50, "kvk_number": 50,
    "iban": 50,
}


@dataclass(frozen=True)
class Accounts:
    """The ledger choices of a connection, resolved for one booking."""

    debtor: str
    creditor: str
    sales_contra: str
    purchase_contra: str
    overrides: dict[tuple[str, str], str]  # (kind "sales"/"purchase", BTW code) -> account
    cost_centre: int = 0  # the connection's default KostenplaatsID; 0 = none

    def contra(self, side: str, vat_code: str, line_account: str = "") -> str:
        """A line's own ledger account (from its product) wins, then a per-VAT-code override,
        then the connection's default for the side."""
        if line_account:
            return line_account
        default = self.sales_contra if side == "sales" else self.purchase_contra
        return self.overrides.get((side, vat_code), default)


class MappingError(ValueError):
    """Our own data cannot become a valid booking; the message says what to fix."""


def relation_from_snapshot(snapshot: dict) -> RelationData:
    """A debtor or creditor from a party snapshot (the fields frozen on the invoice)."""
    values = {
        name: str(snapshot.get(name) or "")[:limit] for name, limit in RELATION_LIMITS.items()
    }
    return RelationData(business=snapshot.get("kind", "company") != "private", **values)


# A booking line's place: (contra account, KostenplaatsID).
Target = tuple[str, int]


def _rate_lines(side: str, rate, accounts: Accounts, line_targets: dict[Target, Decimal],
                exchange_rate: Decimal) -> list[MutationLine]:
    """The booking lines of one VAT rate: one per (contra account, cost centre).

    ``line_targets`` maps a line-level (ledger account, cost centre) -- a product's own
    account or "" for none, the line's own cost centre or 0 for the connection's -- to the
    net amount of the invoice lines using it, in the invoice's currency. With one target the
    rate's stored totals are booked as they are; with several, the rate's EUR totals are
    apportioned over them (:func:`apportion`), so that every line's VAT is within a cent of
    its own net x percentage, which e-Boekhouden checks per line, and the lines add up
    exactly to the totals the invoice shows."""
    vat_code = rate.ebh_code
    percentage = round_money(Decimal(rate.percentage))
    net_total, vat_total = _eur(rate, "net_amount"), _eur(rate, "vat_amount")
    groups: dict[Target, Decimal] = {}
    for (line_account, cost_centre), amount in line_targets.items():
        target = (accounts.contra(side, vat_code, line_account),
                  cost_centre or accounts.cost_centre)
        groups[target] = groups.get(target, Decimal(0)) + amount
    if len(groups) <= 1:
        account, cost_centre = next(iter(groups),
                                    (accounts.contra(side, vat_code), accounts.cost_centre))
        return [MutationLine(net_total, vat_total, net_total + vat_total, vat_code, percentage,
                             account, cost_centre)]
    targets = sorted(groups)
    nets = apportion([groups[target] * exchange_rate for target in targets], net_total)
    vats = apportion([net * percentage / HUNDRED for net in nets], vat_total)
    return [
        MutationLine(net, vat, net + vat, vat_code, percentage, account, cost_centre)
        for (account, cost_centre), net, vat in zip(targets, nets, vats, strict=True)
    ]


def apportion(ideals: list[Decimal], total: Decimal) -> list[Decimal]:
    """Whole cents for ``ideals`` that add up to ``total`` exactly (largest remainder).

    Each part starts as its ideal rounded half up; the cents still missing (or too many) go
    one by one to the parts whose ideal lies nearest to the next cent in that direction. As
    long as ``total`` is within half a cent per part of the sum of the ideals (a total
    rounded once, as an invoice's VAT per rate is), every part ends within one cent of its
    ideal rounded half up."""
    parts = [round_money(ideal) for ideal in ideals]
    missing = int((total - sum(parts, Decimal(0))) / CENT)
    step = CENT if missing > 0 else -CENT
    # Nearest first: the part rounded furthest against the direction needs the least push;
    # among equals the largest part, whose cent weighs least.
    order = sorted(range(len(parts)),
                   key=lambda i: (-(ideals[i] - parts[i]) * step, -abs(ideals[i]), i))
    for turn in range(abs(missing)):
        parts[order[turn % len(order)]] += step
    return parts


def _eur(rate, field: str) -> Decimal:
    value = getattr(rate, f"{field}_eur", None)
    if value is None:
        value = getattr(rate, field)
    return round_money(Decimal(value))


def _line_accounts(lines) -> dict[str, dict[Target, Decimal]]:
    """VAT rate -> {(line ledger account, line cost centre): net amount} of an invoice's
    lines ("" and 0 where the line has none of its own)."""
    result: dict[str, dict[Target, Decimal]] = {}
    for line in lines:
        targets = result.setdefault(line.vat_rate, {})
        # getattr: any line-like record will do; one without cost centres books the default.
        key = (line.ledger_account or "", getattr(line, "cost_centre", 0) or 0)
        targets[key] = targets.get(key, Decimal(0)) + line.net_amount
    return result


def _lines(side: str, vat_totals, lines, accounts: Accounts,
           exchange_rate: Decimal = Decimal(1)) -> tuple[MutationLine, ...]:
    per_rate = _line_accounts(lines)
    booked: list[MutationLine] = []
    for rate in vat_totals:
        booked += _rate_lines(side, rate, accounts,
                              per_rate.get(rate.vat_rate, {("", 0): Decimal(0)}), exchange_rate)
    return _non_empty(tuple(booked))


def _description(parts: list[str]) -> str:
    text = " ".join(part for part in parts if part).strip()
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def _currency_note(invoice) -> str:
    if invoice.currency == "EUR":
        return ""
    return _("(%(currency)s %(amount)s at %(rate)s EUR)") % {
        "currency": invoice.currency,
        "amount": invoice.gross_total,
        "rate": invoice.exchange_rate.normalize(),
    }


def sales_mutation(invoice, accounts: Accounts, vat_totals, lines) -> MutationData:
    """FactuurVerstuurd for a finalized sales invoice or credit note (negative amounts)."""
    code = invoice.buyer.get("code") or invoice.customer.code
    if not code:
        raise MappingError(_("The customer has no relation code."))
    with translation.override(invoice.language):
        label = _("Credit note") if invoice.is_credit_note else _("Invoice")
        description = _description(
            [label, invoice.number, invoice.buyer.get("name", ""), _currency_note(invoice)]
        )
    return MutationData(
        kind=SALES_KIND,
        date=invoice.issue_date,
        account=accounts.debtor,
        relation_code=code,
        invoice_number=invoice.number,
        description=description,
        payment_term_days=invoice.payment_term_days,
        lines=_lines("sales", vat_totals, lines, accounts, invoice.exchange_rate or Decimal(1)),
        payment_reference=(invoice.payment_reference or "")[:50],
    )


def purchase_mutation(invoice, accounts: Accounts, vat_totals, lines) -> MutationData:
    """FactuurOntvangen for a registered purchase invoice, under the supplier's number."""
    supplier = invoice.supplier
    if not supplier.code:
        raise MappingError(_("The supplier has no relation code."))
    description = _description(
        [_("Purchase invoice"), invoice.supplier_invoice_number, supplier.name,
         invoice.description]
    )
    term = max((invoice.due_date - invoice.invoice_date).days, 0)
    return MutationData(
        kind=PURCHASE_KIND,
        date=invoice.invoice_date,
        account=accounts.creditor,
        relation_code=supplier.code,
        invoice_number=invoice.supplier_invoice_number,
        description=description,
        payment_term_days=min(term, 9999),
        lines=_lines("purchase", vat_totals, lines, accounts),
    )


def _non_empty(lines: tuple[MutationLine, ...]) -> tuple[MutationLine, ...]:
    """Drop rates whose amounts are all zero; an invoice of only zeros still books one line."""
    kept = tuple(line for line in lines if line.net or line.vat)
    if not lines:
        raise MappingError(_("The invoice has no amounts to book."))
    return kept or lines[:1]


def _invoice_line(line, accounts: Accounts, article_codes: dict[int, str]) -> InvoiceLine:
    """An article of e-Boekhouden keeps its own code; any other line is known by its text."""
    vat_code = sales_rate(line.vat_rate).ebh_code
    code = article_codes.get(line.product_id or 0) or line.description[:LINE_CODE_MAX]
    return InvoiceLine(
        code=code, description=line.description, quantity=line.quantity,
        unit=(line.unit or "")[:50], unit_price=line.unit_price, vat_code=vat_code,
        contra_account=accounts.contra("sales", vat_code, line.ledger_account or ""),
        cost_centre=line.cost_centre or accounts.cost_centre,
    )


def work_order_invoice(
    work_order, lines, accounts: Accounts, connection, *, invoice_number: str, date,
    article_codes: dict[int, str],
) -> InvoiceData:
    """AddFactuur for a checked work order, with the lines our own invoice would have
    (workorders.services.invoice_lines_for) and the template and email choice of the
    connection. ``article_codes``: product id -> article code in e-Boekhouden."""
    customer = work_order.customer
    if not customer.code:
        raise MappingError(_("The customer has no relation code."))
    if not 1 <= len(lines) <= INVOICE_LINES_MAX:
        raise MappingError(_("e-Boekhouden.nl accepts 1 to %(max)s lines per invoice.")
                           % {"max": INVOICE_LINES_MAX})
    send_email = connection.email_by_eboekhouden
    if send_email and not customer.email:
        raise MappingError(_("The customer has no email address, so e-Boekhouden.nl cannot "
                             "email the invoice. Add one to the customer, then retry."))
    term = customer.payment_term_days
    if term is None:
        term = work_order.organization.payment_term_days
    with translation.override(customer.language):
        description = _description([_("Invoice"), invoice_number, customer.name,
                                    _("work order %(number)s") % {"number": work_order.number}])
    return InvoiceData(
        invoice_number=invoice_number, relation_code=customer.code, date=date,
        # e-Boekhouden reads a term of 0 days as a missing term (CFACT014).
        payment_term_days=max(term, 1), template=connection.invoice_template,
        booking_description=description,
        lines=tuple(_invoice_line(line, accounts, article_codes) for line in lines),
        send_email=send_email,
        email_subject=connection.email_subject if send_email else "",
        email_message=connection.email_message if send_email else "",
        email_from_address=connection.email_from_address if send_email else "",
        email_from_name=connection.email_from_name if send_email else "",
    )
