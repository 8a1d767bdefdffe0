"""The invoice page's reminder card: send by hand after a confirmation, pause, dispute notes,
the history entries; the customer switch; the "to remind" list; CSRF on every POST."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from invoicing import services as invoicing
from invoicing.history import invoice_history
from invoicing.models import Customer
from reminders import services
from reminders.models import InvoiceReminderState, SentReminder
from tests.invoicing.factories import make_customer, make_draft
from tests.reminders.factories import overdue


def _detail(client, invoice) -> str:
    return client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()


@pytest.mark.django_db
def test_manual_send_confirms_step_text_and_recipient(client_a, org_a, user_a, english,
                                                      django_capture_on_commit_callbacks):
    invoice = overdue(org_a, user_a, days=3)  # no step due yet: by hand, the first
    assert 'data-testid="reminders-block"' in _detail(client_a, invoice)
    url = reverse("reminders:send", args=[invoice.pk])
    confirm = client_a.get(url).content.decode()
    assert "Step 1 (7 days after the due date)" in confirm
    assert "klant@example.test" in confirm and f"Herinnering: factuur {invoice.number}" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(url, {"position": "1"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    reminder = SentReminder.objects.get()
    assert reminder.manual and reminder.created_by == user_a and reminder.status == "sent"
    page = _detail(client_a, invoice)
    assert "Payment reminder 1 sent to klant@example.test" in page
    assert "Next reminder: step 2" in page
    assert "Step 2 (21 days" in client_a.get(url).content.decode()  # the next one by hand


@pytest.mark.django_db
def test_a_manual_step_counts_for_the_daily_run(org_a, user_a):
    invoice = overdue(org_a, user_a, days=8)
    services.reminder_send_manual(invoice=invoice, user=user_a, position=1)
    assert services.send_due_reminders() == 0
    assert invoice.reminders.count() == 1


@pytest.mark.django_db
def test_a_changed_confirmation_sends_nothing(client_a, org_a, user_a):
    invoice = overdue(org_a, user_a, days=8)
    client_a.post(reverse("reminders:send", args=[invoice.pk]), {"position": "3"})
    assert not SentReminder.objects.exists()


@pytest.mark.django_db
def test_no_manual_send_for_a_paid_or_disputed_invoice(client_a, org_a, user_a, english):
    paid = overdue(org_a, user_a, days=8)
    invoicing.payment_register(invoice=paid, amount=paid.gross_total, user=user_a,
                               date=paid.due_date)
    disputed = overdue(org_a, user_a, days=8)
    services.dispute_add(invoice=disputed, text="Te veel uren", user=user_a)
    for invoice in (paid, disputed):
        client_a.post(reverse("reminders:send", args=[invoice.pk]), {"position": "1"})
        response = client_a.get(reverse("reminders:send", args=[invoice.pk]), follow=True)
        assert response.redirect_chain
    assert not SentReminder.objects.exists()
    assert "This invoice is paid: no reminders." in _detail(client_a, paid)
    page = _detail(client_a, disputed)
    assert "A dispute is open" in page and "Te veel uren" in page
    assert "Dispute noted: Te veel uren" in page


@pytest.mark.django_db
def test_no_block_on_drafts_and_credit_notes(client_a, org_a, user_a):
    draft = make_draft(org_a)
    assert 'data-testid="reminders-block"' not in _detail(client_a, draft)
    invoice = overdue(org_a, user_a, days=8)
    note = invoicing.credit_note_create(invoice=invoice, user=user_a)
    assert 'data-testid="reminders-block"' not in _detail(client_a, note)


@pytest.mark.django_db
def test_pause_and_resume(client_a, org_a, user_a, english):
    invoice = overdue(org_a, user_a, days=8)
    url = reverse("reminders:pause", args=[invoice.pk])
    client_a.post(url, {"paused": "1"})
    assert InvoiceReminderState.objects.get(invoice=invoice).paused
    assert "Reminders are paused for this invoice." in _detail(client_a, invoice)
    assert services.send_due_reminders() == 0
    client_a.post(url, {"paused": "0"})
    assert not InvoiceReminderState.objects.get(invoice=invoice).paused
    assert services.send_due_reminders() == 1


@pytest.mark.django_db
def test_dispute_note_added_and_resolved(client_a, org_a, user_a, english):
    invoice = overdue(org_a, user_a, days=8)
    empty = client_a.post(reverse("reminders:dispute_add", args=[invoice.pk]), {"text": " "},
                          follow=True)
    assert "Write down what the customer disputes." in empty.content.decode()
    client_a.post(reverse("reminders:dispute_add", args=[invoice.pk]), {"text": "Kapotte ruit"})
    note = invoice.dispute_notes.get()
    assert note.is_open and services.send_due_reminders() == 0
    client_a.post(reverse("reminders:dispute_resolve", args=[note.pk]))
    note.refresh_from_db()
    assert not note.is_open and services.send_due_reminders() == 1
    with translation.override("en"):
        texts = [entry.text for entry in invoice_history(invoice)]
    assert "Dispute resolved" in texts and "Dispute noted: Kapotte ruit" in texts
    assert "Payment reminder 1 to klant@example.test queued" in texts  # sent after commit


@pytest.mark.django_db
def test_customer_form_switches_reminders_off(client_a, org_a, english):
    customer = make_customer(org_a)
    url = reverse("invoicing:customer_edit", args=[customer.pk])
    form = client_a.get(url).content.decode()
    assert 'name="send_reminders"' in form and "Send payment reminders" in form
    data = {"kind": "company", "name": customer.name, "country": "NL", "language": "nl",
            "email": customer.email}
    assert client_a.post(url, data).status_code == 302
    assert not Customer.objects.get(pk=customer.pk).send_reminders


@pytest.mark.django_db
def test_to_remind_list_shows_the_next_run_and_what_blocks(client_a, org_a, user_a, english):
    due = overdue(org_a, user_a, days=8)
    silent = overdue(org_a, user_a, days=8, customer=make_customer(org_a, email=""))
    overdue(org_a, user_a, days=2)
    page = client_a.get(reverse("reminders:due")).content.decode()
    assert due.number in page and silent.number in page
    assert "no email address" in page
    assert "2 invoices to remind on the next run" in client_a.get(
        reverse("reminders:schedule")).content.decode()


@pytest.mark.django_db
def test_every_post_needs_the_csrf_token(org_a, user_a):
    invoice = overdue(org_a, user_a, days=8)
    note = services.dispute_add(invoice=invoice, text="x", user=user_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    urls = [reverse("reminders:send", args=[invoice.pk]),
            reverse("reminders:pause", args=[invoice.pk]),
            reverse("reminders:dispute_add", args=[invoice.pk]),
            reverse("reminders:dispute_resolve", args=[note.pk]),
            reverse("reminders:schedule")]
    for url in urls:
        assert client.post(url, {"position": "1", "paused": "1", "text": "y"}).status_code == 403
    assert not SentReminder.objects.exists()


@pytest.mark.django_db
def test_another_organization_cannot_send_a_reminder(client_b, org_a, user_a):
    invoice = overdue(org_a, user_a, days=8)
    response = client_b.post(reverse("reminders:send", args=[invoice.pk]), {"position": "1"})
    assert response.status_code == 404 and not SentReminder.objects.exists()



def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reminders:due")).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_to_remind_list_queries_do_not_grow_per_invoice(client_a, org_a, user_a):
    overdue(org_a, user_a, days=8)
    _queries(client_a)  # the first request also makes the schedule (and the session's rows)
    one = _queries(client_a)
    services.dispute_add(invoice=overdue(org_a, user_a, days=8), text="x", user=user_a)
    services.reminder_pause(invoice=overdue(org_a, user_a, days=8), paused=True, user=user_a)
    assert _queries(client_a) == one
