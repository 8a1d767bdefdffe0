"""Three facts per invoice: draft or finalized, emailed (when, to whom) or not, and its payment
and credit state; the list filters on each."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from invoicing import services
from invoicing.models import SalesInvoice
from tests.invoicing.factories import line, make_draft, make_sent

LIST = reverse("invoicing:invoice_list")


def _detail(client, invoice) -> str:
    return client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()


def _numbers(client, status: str) -> set[str]:
    page = client.get(LIST, {"status": status}).context["page"]
    return {invoice.number or "draft" for invoice in page.object_list}


@pytest.mark.django_db
def test_finalized_without_email_says_so(client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a, issue_date=datetime.date.today())
    with translation.override("nl"):
        html = _detail(client_a, invoice)
    assert "Definitief" in html and "Nog niet gemaild" in html and "Openstaand" in html
    assert "Verstuurd" not in html


@pytest.mark.django_db
def test_emailed_shows_when_and_to_whom(client_a, org_a, user_a,
                                        django_capture_on_commit_callbacks):
    invoice = make_sent(org_a, user_a, issue_date=datetime.date.today())
    with django_capture_on_commit_callbacks(execute=True):
        services.email_queue(invoice=invoice, to="boekhouding@klant.test", message="", user=user_a)
    html = _detail(client_a, invoice)
    assert "Gemaild op " in html and " aan boekhouding@klant.test" in html
    assert "Nog niet gemaild" not in html
    listing = client_a.get(LIST).content.decode()
    assert "Gemaild op " in listing


@pytest.mark.django_db
def test_a_queued_email_is_not_reported_as_emailed(client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a)
    services.email_queue(invoice=invoice, to="x@klant.test", message="", user=user_a)
    assert invoice.email_fact() == {"state": "queued"}  # the task runs only after commit


@pytest.mark.django_db
def test_an_original_shows_partly_then_fully_credited(client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a, lines=[line(quantity="2", price="50")])
    first = invoice.lines.get()
    note = services.credit_note_create(invoice=invoice, user=user_a,
                                       quantities={first.pk: Decimal("1")})
    services.invoice_finalize(invoice=note, send_email=False, user=user_a)
    assert "Deels gecrediteerd" in _detail(client_a, invoice)
    rest = services.credit_note_create(invoice=invoice, user=user_a)
    services.invoice_finalize(invoice=rest, send_email=False, user=user_a)
    html = _detail(client_a, invoice)
    assert "Gecrediteerd" in html and "Deels gecrediteerd" not in html


@pytest.mark.django_db
def test_list_filters(client_a, org_a, user_a, django_capture_on_commit_callbacks):
    make_draft(org_a)
    today = datetime.date.today()
    open_ = make_sent(org_a, user_a, issue_date=today)
    overdue = make_sent(org_a, user_a, issue_date=today - datetime.timedelta(days=60))
    partly = make_sent(org_a, user_a, issue_date=today)
    services.payment_register(invoice=partly, amount=Decimal("10"), date=today, user=user_a)
    paid = make_sent(org_a, user_a, issue_date=today)
    services.payment_register(invoice=paid, amount=paid.gross_total, date=today, user=user_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.email_queue(invoice=paid, to="x@klant.test", message="", user=user_a)
    credited = make_sent(org_a, user_a, issue_date=today)
    note = services.credit_note_create(invoice=credited, user=user_a)
    note = services.invoice_finalize(invoice=note, send_email=False, user=user_a)

    assert _numbers(client_a, "draft") == {"draft"}
    assert _numbers(client_a, "open") == {open_.number, overdue.number, partly.number,
                                          note.number}
    assert _numbers(client_a, "overdue") == {overdue.number}
    assert _numbers(client_a, "partly_paid") == {partly.number}
    assert _numbers(client_a, "paid") == {paid.number}
    assert _numbers(client_a, "credited") == {credited.number}
    assert _numbers(client_a, "not_emailed") == {open_.number, overdue.number, partly.number,
                                                 credited.number, note.number}
    assert len(_numbers(client_a, "finalized")) == 6
    assert SalesInvoice.objects.with_display_status("sent").count() == 6
