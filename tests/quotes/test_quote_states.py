"""A quote's life: draft, sent (numbered, frozen), accepted or declined (in the app or
through the link), expired by the daily task, converted once into a draft invoice. Every
refused transition says so and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicing.models import ImmutableError, InvoiceStatus, SalesInvoice
from invoicing.services import invoice_save_draft
from quotes import services
from quotes.models import Quote, QuoteLine, QuoteStatus
from quotes.services import QuoteError
from quotes.tasks import expire_quotes_task
from tests.invoicing.factories import line, make_customer, make_product
from tests.quotes.factories import make_quote, make_sent_quote

TODAY = timezone.localdate()


def test_draft_totals_are_exactly_an_invoices_with_the_same_lines(org_a):
    customer = make_customer(org_a)
    lines = [line("Schilderwerk", "3", "52.50"), line("Verf", "2", "89.955", discount="10"),
             line("Boek", "1", "19.99", rate="9"), line("Advies", "1.5", "33.333", rate="0")]
    quote = make_quote(org_a, customer=customer, lines=lines)
    invoice = invoice_save_draft(invoice=SalesInvoice(customer=customer, issue_date=TODAY),
                                 organization=org_a, lines=lines)
    assert (quote.net_total, quote.vat_total, quote.gross_total) == (
        invoice.net_total, invoice.vat_total, invoice.gross_total)
    assert [(t.vat_rate, t.net_amount, t.vat_amount) for t in quote.vat_totals.all()] == [
        (t.vat_rate, t.net_amount, t.vat_amount) for t in invoice.vat_totals.all()]
    assert [ln.net_amount for ln in quote.lines.all()] == [
        ln.net_amount for ln in invoice.lines.all()]


amounts = st.decimals(min_value=Decimal("-50"), max_value=Decimal("500"), places=3)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(amounts, amounts, st.sampled_from(["21", "9", "0", "exempt"])),
                min_size=1, max_size=4))
def test_any_lines_price_like_an_invoice(org_a, rows):
    customer = make_customer(org_a)
    lines = [line("x", str(abs(q) or 1), str(abs(p)), rate=r) for q, p, r in rows]
    quote = make_quote(org_a, customer=customer, lines=lines)
    invoice = invoice_save_draft(invoice=SalesInvoice(customer=customer, issue_date=TODAY),
                                 organization=org_a, lines=lines)
    assert (quote.net_total, quote.vat_total, quote.gross_total) == (
        invoice.net_total, invoice.vat_total, invoice.gross_total)


def test_validity_before_the_quote_date_is_refused(org_a):
    with pytest.raises(QuoteError, match="before the quote date"):
        make_quote(org_a, valid_until=TODAY - datetime.timedelta(days=1))
    assert not Quote.objects.exists()


def test_sending_numbers_without_gaps_in_the_organizations_format(org_a, user_a):
    org_a.quote_number_format = "OFF-{year}-{seq:03}"
    org_a.save()
    numbers = [make_sent_quote(org_a, user_a)[0].number for _ in range(3)]
    year = TODAY.year
    assert numbers == [f"OFF-{year}-001", f"OFF-{year}-002", f"OFF-{year}-003"]
    assert make_quote(org_a).number == ""  # a draft has no number yet


def test_a_failed_send_gives_its_number_back(org_a, user_a):
    expired = make_quote(org_a, issue_date=TODAY - datetime.timedelta(days=40),
                         valid_until=TODAY - datetime.timedelta(days=10))
    with pytest.raises(QuoteError, match="validity date has passed"):
        services.quote_send(quote=expired, to="k@example.test", message="", user=user_a)
    expired.refresh_from_db()
    assert (expired.status, expired.number) == (QuoteStatus.DRAFT, "")
    assert make_sent_quote(org_a, user_a)[0].number == f"O{TODAY.year}-0001"


def test_numbering_settings_keep_numbers_in_use(org_a, user_a):
    make_sent_quote(org_a, user_a)
    with pytest.raises(ValueError):
        services.set_quote_numbering(organization=org_a, number_format="OF{year}-{seq:04}",
                                     next_value=1, today=TODAY)
    org_a.refresh_from_db()
    assert org_a.quote_number_format == "O{year}-{seq:04}"
    services.set_quote_numbering(organization=org_a, number_format="Q{year}/{seq:05}",
                                 next_value=7, today=TODAY)
    assert make_sent_quote(org_a, user_a)[0].number == f"Q{TODAY.year}/00007"


def test_numbering_page_validates_the_format(client_a, org_a):
    response = client_a.post("/quotes/numbering/", {"number_format": "O-{nr}",
                                                    "next_number": "1"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.quote_number_format == "O{year}-{seq:04}"
    response = client_a.post("/quotes/numbering/", {"number_format": "Q{seq:03}",
                                                    "next_number": "5"})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.quote_number_format == "Q{seq:03}"


def test_a_sent_quote_is_frozen(org_a, user_a):
    quote, _token = make_sent_quote(org_a, user_a)
    assert quote.seller["name"] == org_a.name and quote.buyer["name"] == "Klant B.V."
    assert quote.pdf.name.endswith(".pdf")
    quote.note = "changed"
    with pytest.raises(ImmutableError):
        quote.save()
    with pytest.raises(ImmutableError):
        quote.lines.first().save()
    with pytest.raises(QuoteError, match="cannot be changed"):
        services.quote_save_draft(quote=Quote.objects.get(pk=quote.pk), organization=org_a,
                                  lines=[line()])
    with pytest.raises(QuoteError, match="cannot be deleted"):
        services.quote_delete_draft(quote=quote)


def test_a_draft_is_deleted_with_its_lines(org_a):
    quote = make_quote(org_a)
    services.quote_delete_draft(quote=quote)
    assert not Quote.objects.exists() and not QuoteLine.objects.exists()


@pytest.mark.parametrize("accept, state", [(True, QuoteStatus.ACCEPTED),
                                           (False, QuoteStatus.DECLINED)])
def test_answer_in_the_app_records_who_when_and_the_remark(org_a, user_a, accept, state):
    quote, _token = make_sent_quote(org_a, user_a)
    quote = services.quote_respond(quote=quote, accept=accept, name=" Els de Vries ",
                                   remark="Graag in mei", user=user_a)
    assert quote.status == state
    assert (quote.response_name, quote.response_remark) == ("Els de Vries", "Graag in mei")
    assert quote.responded_by == user_a and quote.responded_at is not None
    with pytest.raises(QuoteError, match="no longer be accepted"):
        services.quote_respond(quote=quote, accept=not accept, user=user_a)


def test_a_draft_cannot_be_answered_and_an_expired_one_only_in_the_app(org_a, user_a):
    with pytest.raises(QuoteError):
        services.quote_respond(quote=make_quote(org_a), accept=True, user=user_a)
    quote, _token = make_sent_quote(org_a, user_a)
    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.EXPIRED)
    with pytest.raises(QuoteError):
        services.quote_respond(quote=quote, accept=True)  # through the link
    assert services.quote_respond(quote=quote, accept=True, user=user_a).status == "accepted"


def test_sending_again_only_while_sent(org_a, user_a):
    quote, _token = make_sent_quote(org_a, user_a)
    again = services.quote_send(quote=quote, to="k@example.test", message="", user=user_a)
    assert (again.status, again.number) == (QuoteStatus.SENT, quote.number)
    services.quote_respond(quote=quote, accept=False, user=user_a)
    with pytest.raises(QuoteError, match="Only a draft or a sent quote"):
        services.quote_send(quote=quote, to="k@example.test", message="", user=user_a)


def test_the_daily_task_expires_sent_quotes_past_their_date(org_a, user_a):
    due, _t = make_sent_quote(org_a, user_a)
    current, _t = make_sent_quote(org_a, user_a)
    draft = make_quote(org_a)
    Quote.objects.filter(pk__in=[due.pk, draft.pk]).update(
        valid_until=TODAY - datetime.timedelta(days=1))
    assert expire_quotes_task.delay().get() == 1
    states = dict(Quote.objects.values_list("pk", "status"))
    assert states == {due.pk: "expired", current.pk: "sent", draft.pk: "draft"}
    assert expire_quotes_task.delay().get() == 0


def test_convert_makes_a_draft_invoice_with_the_same_lines_once(org_a, user_a):
    product = make_product(org_a, ledger_account="8010")
    quote, _token = make_sent_quote(org_a, user_a, lines=[
        line("Schilderwerk", "3", "52.50"), line("Boek", "2", "19.99", rate="9")])
    QuoteLine.objects.filter(quote=quote, position=1).update(product=product)
    services.quote_respond(quote=quote, accept=True, user=user_a)
    invoice = services.quote_convert(quote=quote, user=user_a)
    assert invoice.status == InvoiceStatus.DRAFT and invoice.reference == quote.number
    assert (invoice.net_total, invoice.gross_total) == (quote.net_total, quote.gross_total)
    assert [(ln.description, ln.quantity, ln.unit_price, ln.vat_rate, ln.ledger_account)
            for ln in invoice.lines.all()] == [
        ("Schilderwerk", Decimal("3"), Decimal("52.50"), "21", "8010"),
        ("Boek", Decimal("2"), Decimal("19.99"), "9", "")]
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CONVERTED and quote.converted_invoice == invoice
    with pytest.raises(QuoteError, match="already been converted"):
        services.quote_convert(quote=quote, user=user_a)
    assert SalesInvoice.objects.count() == 1


def test_the_database_refuses_a_second_quote_on_one_invoice(org_a, user_a):
    first, _t = make_sent_quote(org_a, user_a)
    second, _t = make_sent_quote(org_a, user_a)
    invoice = services.quote_convert(quote=first, user=user_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=second.pk).update(converted_invoice=invoice)


@pytest.mark.parametrize("state", ["draft", "declined", "expired"])
def test_convert_is_refused_from_other_states(org_a, user_a, state):
    quote = make_quote(org_a) if state == "draft" else make_sent_quote(org_a, user_a)[0]
    Quote.objects.filter(pk=quote.pk).update(status=state)
    with pytest.raises(QuoteError, match="Only a sent or accepted quote"):
        services.quote_convert(quote=quote, user=user_a)
    assert not SalesInvoice.objects.exists()


def test_the_invoice_history_names_the_quote(client_a, org_a, user_a):
    quote, _t = make_sent_quote(org_a, user_a)
    invoice = services.quote_convert(quote=quote, user=user_a)
    page = client_a.get(f"/invoices/{invoice.pk}/").content.decode()
    history = page[page.index('data-testid="invoice-history"'):]
    assert f'href="/quotes/{quote.pk}/">{quote.number}</a>' in history


def test_revoking_needs_a_link(org_a, user_a):
    quote, _token = make_sent_quote(org_a, user_a)
    assert services.quote_revoke_link(quote=quote).token_hash == ""
    with pytest.raises(QuoteError, match="no link to revoke"):
        services.quote_revoke_link(quote=quote)
