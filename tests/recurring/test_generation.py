"""Generation: each due period once, dated as it should have been (catch-up after downtime),
nothing again after a restart; the draft mode waits for review with a notice, the automatic
mode finalizes, emails and (when connected) books like any other invoice."""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from ebh_sync.models import SyncJob
from invoicing.extensions import start_items
from invoicing.history import invoice_history
from invoicing.models import InvoiceStatus, SalesInvoice
from recurring import services
from recurring.models import Generation, Mode, RecurringTemplate
from tests.ebh_sync.conftest import connect
from tests.invoicing.factories import line, make_customer
from tests.recurring.factories import make_template

D = datetime.date
pytestmark = pytest.mark.django_db


def invoices_of(template):
    return SalesInvoice.objects.filter(recurring_generation__template=template).order_by(
        "issue_date")


def test_catch_up_after_downtime_makes_each_missed_period_once_with_its_date(org_a):
    template = make_template(org_a, start_date=D(2026, 1, 31))
    # The beat was down from January to 15 April: three periods are due.
    assert services.generate_due(today=D(2026, 4, 15)) == 3
    invoices = list(invoices_of(template))
    assert [i.issue_date for i in invoices] == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)]
    assert [i.lines.get().description for i in invoices] == [
        "Onderhoud januari 2026", "Onderhoud februari 2026", "Onderhoud maart 2026"]
    assert [i.due_date for i in invoices][0] == D(2026, 2, 14)
    template.refresh_from_db()
    assert (template.next_period, template.next_date) == (3, D(2026, 4, 30))


def test_a_restart_or_a_second_run_makes_nothing_again(org_a):
    template = make_template(org_a, start_date=D(2026, 3, 1))
    assert services.generate_due(today=D(2026, 3, 1)) == 1
    for _ in range(3):  # the beat again the same hour, a restarted worker, the next day
        assert services.generate_due(today=D(2026, 3, 2)) == 0
    assert services.generate_for_template(template_id=template.pk, today=D(2026, 3, 2)) == 0
    assert invoices_of(template).count() == 1
    assert services.generate_due(today=D(2026, 4, 1)) == 1
    assert list(Generation.objects.filter(template=template).values_list("period", flat=True)
                .order_by("period")) == [0, 1]


def test_end_date_and_count_end_the_schedule(org_a):
    by_date = make_template(org_a, frequency="weekly", start_date=D(2026, 3, 2),
                            end_date=D(2026, 3, 16))
    by_count = make_template(org_a, frequency="quarterly", start_date=D(2026, 1, 1), count=2)
    services.generate_due(today=D(2027, 1, 1))
    assert [i.issue_date for i in invoices_of(by_date)] == [D(2026, 3, 2), D(2026, 3, 9),
                                                           D(2026, 3, 16)]
    assert [i.issue_date for i in invoices_of(by_count)] == [D(2026, 1, 1), D(2026, 4, 1)]
    by_count.refresh_from_db()
    assert by_count.next_date is None


def test_paused_templates_make_nothing_and_resume_skips_the_pause(org_a):
    template = make_template(org_a, start_date=D(2026, 1, 1))
    services.template_set_active(template=template, active=False, today=D(2026, 1, 1))
    assert services.generate_due(today=D(2026, 3, 15)) == 0
    services.template_set_active(template=template, active=True, today=D(2026, 3, 15))
    assert services.generate_due(today=D(2026, 4, 1)) == 1
    assert [i.issue_date for i in invoices_of(template)] == [D(2026, 4, 1)]


def test_draft_mode_leaves_a_draft_with_a_notice_badge_and_history(org_a):
    template = make_template(org_a, name="Website", start_date=D(2026, 3, 1),
                             lines=[line("Hosting {month} {year}")], language="en",
                             note="Periode {maand}")
    services.generate_due(today=D(2026, 3, 1))
    invoice = invoices_of(template).get()
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.lines.get().description == "Hosting March 2026"
    assert invoice.note == "Periode March"
    assert mail.outbox == []
    with translation.override("en"):
        [notice] = start_items(org_a)["notice"]
        [entry] = [e for e in invoice_history(invoice) if "Website" in e.text]
    assert "1 recurring invoice is waiting for your review" in notice.label
    assert "period March 2026" in entry.text


def test_auto_mode_finalizes_and_emails(org_a, django_capture_on_commit_callbacks):
    customer = make_customer(org_a, email="klant@example.test")
    template = make_template(org_a, customer=customer, mode=Mode.SEND,
                             start_date=D(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.generate_due(today=D(2026, 3, 1))
    invoice = invoices_of(template).get()
    assert invoice.status == InvoiceStatus.SENT and invoice.number
    assert invoice.issue_date == D(2026, 3, 1)
    [message] = mail.outbox
    assert message.to == ["klant@example.test"] and invoice.number in message.subject
    assert start_items(org_a)["notice"] == []


def test_auto_mode_without_email_address_stays_a_draft_with_the_reason(org_a):
    customer = make_customer(org_a, email="")
    template = make_template(org_a, customer=customer, mode=Mode.SEND,
                             start_date=D(2026, 3, 1))
    with translation.override("en"):  # the beat's language
        assert services.generate_due(today=D(2026, 3, 1)) == 1
    generation = Generation.objects.get(template=template)
    assert generation.invoice.is_draft
    assert "email address" in generation.problem
    assert services.generate_due(today=D(2026, 3, 2)) == 0  # the period is done all the same


def test_auto_mode_books_in_e_boekhouden_when_connected(
    org_a, ebh, settings, django_capture_on_commit_callbacks
):
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 0
    linked = connect(org_a, ebh)
    template = make_template(org_a, mode=Mode.SEND, start_date=D(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.generate_due(today=D(2026, 3, 1))
    invoice = invoices_of(template).get()
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.BOOKED
    assert linked.bookings()[invoice.number] == 1


def test_deleting_a_template_keeps_its_invoices_and_their_history(org_a):
    template = make_template(org_a, name="Schoonmaak", start_date=D(2026, 3, 1))
    services.generate_due(today=D(2026, 3, 1))
    invoice = invoices_of(template).get()
    services.template_delete(template=template)
    invoice.refresh_from_db()
    assert any("Schoonmaak" in e.text for e in invoice_history(invoice))
    assert Generation.objects.get(invoice=invoice).template is None


def test_a_template_that_cannot_be_invoiced_does_not_stop_the_others(org_a):
    broken = make_template(org_a, start_date=D(2026, 3, 1))
    broken.lines.update(vat_rate="bogus")
    good = make_template(org_a, start_date=D(2026, 3, 1))
    assert services.generate_due(today=D(2026, 3, 1)) == 1
    broken.refresh_from_db()
    assert broken.last_error and broken.next_period == 0
    assert invoices_of(good).count() == 1 and invoices_of(broken).count() == 0


def test_saving_a_copy_read_before_a_run_never_moves_the_cursor_back(org_a):
    template = make_template(org_a, start_date=D(2026, 3, 1))
    stale = RecurringTemplate.objects.get(pk=template.pk)  # the edit form's copy
    services.generate_due(today=D(2026, 3, 1))
    stale.name = "Nieuw"
    services.template_save(template=stale, organization=org_a, lines=[line("Onderhoud")])
    template.refresh_from_db()
    assert (template.name, template.next_period) == ("Nieuw", 1)
    assert services.generate_due(today=D(2026, 3, 2)) == 0
    stale.start_date = D(2026, 3, 5)
    with pytest.raises(services.RecurringError):
        services.template_save(template=stale, organization=org_a, lines=[line("Onderhoud")])
