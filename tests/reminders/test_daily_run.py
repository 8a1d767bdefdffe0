"""The daily run: every due reminder once (run it twice: one email), only the latest due step,
never for an invoice that must not be reminded; the letter's language, open amount and PDF."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from invoicing import services as invoicing
from reminders import services
from reminders.models import ReminderStep, SentReminder
from reminders.tasks import send_due_reminders_task
from tests.invoicing.factories import line, make_customer, make_draft
from tests.reminders.factories import overdue


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The daily run, with the email tasks it publishes on commit run as it commits."""
    def run_once(**kwargs) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_due_reminders(**kwargs)
    return run_once


@pytest.mark.django_db
def test_a_due_reminder_is_sent_once(org_a, user_a, django_capture_on_commit_callbacks):
    invoice = overdue(org_a, user_a, days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders_task.delay().get() == 0
    assert len(mail.outbox) == 1
    reminder = SentReminder.objects.get()
    assert (reminder.invoice, reminder.position, reminder.status) == (invoice, 1, "sent")
    assert reminder.to == "klant@example.test" and reminder.sent_at and not reminder.manual
    assert mail.outbox[0].to == ["klant@example.test"]


@pytest.mark.django_db
def test_not_yet_due_gets_nothing(org_a, user_a, run):
    overdue(org_a, user_a, days=6)  # the first step is 7 days after the due date
    assert run() == 0 and not mail.outbox


@pytest.mark.django_db
def test_the_database_refuses_a_second_automatic_reminder_of_a_step(org_a, user_a, run):
    invoice = overdue(org_a, user_a, days=8)
    run()
    with pytest.raises(IntegrityError):
        SentReminder.objects.create(organization=org_a, invoice=invoice, position=1,
                                    to="x@example.test", subject="s", body="b")


@pytest.mark.django_db
def test_only_the_latest_due_step_when_several_are_due(org_a, user_a, run):
    invoice = overdue(org_a, user_a, days=40)  # steps 1, 2 and 3 all due
    assert run() == 1
    assert run() == 0
    assert list(SentReminder.objects.values_list("position", flat=True)) == [3]
    assert mail.outbox[0].subject == f"Aanmaning: factuur {invoice.number}"


@pytest.mark.django_db
def test_the_next_step_follows_when_its_day_comes(org_a, user_a, run):
    invoice = overdue(org_a, user_a, days=8)
    run()
    later = timezone.localdate() + datetime.timedelta(days=14)
    assert run(today=later) == 1
    assert run(today=later) == 0
    assert sorted(invoice.reminders.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_switched_off_step_is_skipped(org_a, user_a, run):
    schedule = services.schedule_get(organization=org_a)
    ReminderStep.objects.filter(schedule=schedule, position=1).update(enabled=False)
    overdue(org_a, user_a, days=8)
    assert run() == 0
    schedule.active = False
    schedule.save()
    overdue(org_a, user_a, days=25)
    assert run() == 0  # automatic reminders off altogether


def _paid(org, user):
    invoice = overdue(org, user, days=10)
    invoicing.payment_register(invoice=invoice, amount=invoice.gross_total, user=user,
                               date=timezone.localdate())
    return invoice


def _credited(org, user):
    invoice = overdue(org, user, days=10)
    note = invoicing.credit_note_create(invoice=invoice, user=user)
    invoicing.invoice_finalize(invoice=note, send_email=False, user=user)
    return invoice


def _draft(org, user):
    return make_draft(org, issue_date=timezone.localdate() - datetime.timedelta(days=40))


def _disputed(org, user):
    invoice = overdue(org, user, days=10)
    services.dispute_add(invoice=invoice, text="Werk niet af", user=user)
    return invoice


def _paused(org, user):
    invoice = overdue(org, user, days=10)
    services.reminder_pause(invoice=invoice, paused=True, user=user)
    return invoice


def _customer_off(org, user):
    return overdue(org, user, days=10, customer=make_customer(org, send_reminders=False))


def _no_email(org, user):
    return overdue(org, user, days=10, customer=make_customer(org, email=""))


@pytest.mark.django_db
@pytest.mark.parametrize("make", [_paid, _credited, _draft, _disputed, _paused, _customer_off,
                                  _no_email])
def test_never_reminded(make, org_a, user_a, run):
    make(org_a, user_a)
    assert run() == 0
    assert not SentReminder.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_a_credit_note_is_never_reminded(org_a, user_a, run):
    original = overdue(org_a, user_a, days=60)
    note = invoicing.credit_note_create(invoice=original, user=user_a,
                                        quantities={original.lines.get().pk: Decimal("0.5")})
    invoicing.invoice_finalize(invoice=note, send_email=False, user=user_a)
    run(today=note.due_date + datetime.timedelta(days=50))  # the note itself long "overdue"
    assert not SentReminder.objects.filter(invoice=note).exists()
    assert SentReminder.objects.filter(invoice=original).exists()  # half credited: still open


@pytest.mark.django_db
def test_a_resolved_dispute_and_a_resumed_pause_let_reminders_go_again(org_a, user_a, run):
    invoice = _disputed(org_a, user_a)
    services.reminder_pause(invoice=invoice, paused=True, user=user_a)
    assert run() == 0
    services.dispute_resolve(note=invoice.dispute_notes.get(), user=user_a)
    services.reminder_pause(invoice=invoice, paused=False, user=user_a)
    assert run() == 1


@pytest.mark.django_db
def test_dutch_letter_with_open_amount_after_partial_payment_and_pdf(org_a, user_a, run):
    invoice = overdue(org_a, user_a, days=8,
                      lines=[line("Schilderwerk", quantity="2", price="50.00")])  # € 121,00
    invoicing.payment_register(invoice=invoice, amount=Decimal("21.00"), user=user_a,
                               date=timezone.localdate())
    run()
    message = mail.outbox[0]
    assert message.subject == f"Herinnering: factuur {invoice.number}"
    assert "Er staat nog € 100,00 open" in message.body
    assert invoice.payment_reference in message.body and "NL91 ABNA 0417 1643 00" in message.body
    assert "Alpha B.V." in message.from_email and message.reply_to == [org_a.email]
    (name, content, mimetype), = message.attachments
    assert name == f"{invoice.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert SentReminder.objects.get().amount_open == Decimal("100.00")


@pytest.mark.django_db
def test_english_letter_for_an_english_invoice(org_a, user_a, run):
    customer = make_customer(org_a, language="en", email="buyer@example.test")
    invoice = overdue(org_a, user_a, days=22, customer=customer)
    run()
    message = mail.outbox[0]
    assert message.subject == f"Second reminder: invoice {invoice.number}"
    assert "€ 121.00 is still open" in message.body and "22 days ago" in message.body
    assert message.body.endswith("Kind regards,\nAlpha B.V.")


@pytest.mark.django_db
def test_collection_costs_text_only_towards_consumers_in_the_last_step(org_a, user_a, run):
    schedule = services.schedule_get(organization=org_a)
    schedule.collection_costs = True
    schedule.save()
    consumer = make_customer(org_a, kind="private", vat_id="", email="jan@example.test")
    company = make_customer(org_a, email="inkoop@example.test")
    second = make_customer(org_a, kind="private", vat_id="", email="piet@example.test")
    overdue(org_a, user_a, days=36, customer=consumer)
    overdue(org_a, user_a, days=36, customer=company)
    overdue(org_a, user_a, days=22, customer=second)  # step 2: not the last step
    run()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "binnen 14 dagen, te rekenen vanaf de dag na ontvangst" in bodies["jan@example.test"]
    assert "Besluit vergoeding voor buitengerechtelijke incassokosten" in bodies[
        "jan@example.test"]
    assert bodies["jan@example.test"].endswith("Met vriendelijke groet,\nAlpha B.V.")
    assert "incassokosten" not in bodies["inkoop@example.test"]
    assert "incassokosten" not in bodies["piet@example.test"]


@pytest.mark.django_db
def test_collection_costs_text_is_off_unless_the_organization_adds_it(org_a, user_a, run):
    consumer = make_customer(org_a, kind="private", vat_id="", email="jan@example.test")
    overdue(org_a, user_a, days=36, customer=consumer)
    run()
    assert "incassokosten" not in mail.outbox[0].body
    assert "\n\n\n" not in mail.outbox[0].body
