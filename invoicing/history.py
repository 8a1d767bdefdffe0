"""An invoice's history: what happened to it, newest first. Invoicing's own facts (created,
finalized, emailed, paid, credited) and what other apps report through the history hook
(``extensions.register_history_provider``)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.extensions import HistoryEntry, provided_history
from invoicing.models import EmailLog, Payment, SalesInvoice
from invoicing.money import format_money


def _own_entries(invoice: SalesInvoice) -> list[HistoryEntry]:
    entries = [HistoryEntry(invoice.created_at, _("Created as a draft"))]
    if invoice.finalized_at:
        entries.append(HistoryEntry(invoice.finalized_at, _("Finalized as %(number)s")
                                    % {"number": invoice.number}))
    entries += [HistoryEntry(email.sent_at, _email_text(email))
                for email in invoice.emails.all() if email.status == EmailLog.Status.SENT]
    entries += [_payment_entry(invoice, payment) for payment in invoice.payments.all()]
    entries += [HistoryEntry(note.finalized_at,
                             _("Credited by %(number)s") % {"number": note.number},
                             reverse("invoicing:invoice_detail", args=[note.pk]), note.number)
                for note in invoice.credit_notes.all() if note.finalized_at]
    return entries


def _email_text(email: EmailLog) -> str:
    if email.with_e_invoice:
        return _("Emailed to %(to)s with the e-invoice (UBL)") % {"to": email.to}
    return _("Emailed to %(to)s") % {"to": email.to}


def _payment_entry(invoice: SalesInvoice, payment) -> HistoryEntry:
    amount = format_money(payment.amount, invoice.currency)
    if payment.source == Payment.Source.EBH:
        text = _("Payment of %(amount)s received via e-Boekhouden") % {"amount": amount}
    else:
        text = _("Payment of %(amount)s registered") % {"amount": amount}
    return HistoryEntry(payment.seen_at or payment.date,
                        f"{text}: {payment.note}" if payment.note else text)


def _sort_key(entry: HistoryEntry) -> datetime.datetime:
    if isinstance(entry.at, datetime.datetime):
        return entry.at
    return timezone.make_aware(datetime.datetime.combine(entry.at, datetime.time.min))


def invoice_history(invoice: SalesInvoice) -> list[HistoryEntry]:
    entries = [e for e in _own_entries(invoice) + provided_history(invoice) if e.at]
    return sorted(entries, key=_sort_key, reverse=True)
