"""The quote pages in the app: list with filters and pagination, export of what the list
shows, the editor (the invoice's line editor), sending by email with the PDF and the link,
the answer registered by hand, revoking the link and converting to an invoice."""

import datetime
import io
import re

from django.conf import settings
from django.core import mail
from openpyxl import load_workbook

from invoicing.models import SalesInvoice
from quotes.models import Quote, QuoteEmail, QuoteStatus, token_hash
from tests.factories import make_user
from tests.invoicing.factories import line, make_customer
from tests.quotes.factories import make_quote, make_sent_quote


def _form(customer, **fields):
    data = {"customer": customer.pk, "issue_date": "2026-12-01", "valid_until": "",
            "language": "nl", "reference": "PO-7", "note": "",
            "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Schilderwerk", "lines-0-quantity": "3",
            "lines-0-unit_price": "52,50", "lines-0-vat_rate": "21",
            "lines-1-description": "Boek", "lines-1-quantity": "1",
            "lines-1-unit_price": "19,99", "lines-1-vat_rate": "9"}
    return {**data, **fields}


def test_create_and_edit_a_draft_in_the_line_editor(client_a, org_a):
    customer = make_customer(org_a)
    page = client_a.get("/quotes/new/").content.decode()
    assert "data-invoice-form" in page and 'id="line-template"' in page
    response = client_a.post("/quotes/new/", _form(customer))
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/quotes/{quote.pk}/"
    assert quote.valid_until == datetime.date(2026, 12, 31)  # 30 days by default
    assert str(quote.gross_total) == "212.37"  # 157.50 + 33.08 (33.075) + 19.99 + 1.80
    response = client_a.post(f"/quotes/{quote.pk}/edit/", _form(
        customer, **{"lines-TOTAL_FORMS": "1", "valid_until": "2026-12-15"}))
    quote.refresh_from_db()
    assert quote.lines.count() == 1 and quote.valid_until == datetime.date(2026, 12, 15)


def test_bad_input_keeps_nothing(client_a, org_a):
    customer = make_customer(org_a)
    response = client_a.post("/quotes/new/", _form(customer, valid_until="2026-11-01"))
    assert response.status_code == 200 and not Quote.objects.exists()
    response = client_a.post("/quotes/new/", _form(customer, **{"lines-TOTAL_FORMS": "0"}))
    assert response.status_code == 200 and not Quote.objects.exists()


def test_send_emails_the_pdf_with_a_link_that_opens_the_quote(
        client_a, org_a, django_capture_on_commit_callbacks):
    quote = make_quote(org_a, lines=[line("Dakgoot vervangen", "1", "480")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/quotes/{quote.pk}/send/",
                                 {"to": "els@example.test", "message": "Hallo Els"})
    assert response.status_code == 302
    quote.refresh_from_db()
    (message,) = mail.outbox
    assert message.to == ["els@example.test"] and quote.number in message.subject
    assert message.body.startswith("Hallo Els") and "€ 580,80" in message.body
    (name, content, mimetype), = message.attachments
    assert name == f"{quote.number}.pdf" and content.startswith(b"%PDF")
    token = re.search(r"http://[^/]+/q/([\w-]+)/", message.body).group(1)
    assert token_hash(token) == quote.token_hash and token not in str(
        QuoteEmail.objects.values_list("body", flat=True)[0])
    assert QuoteEmail.objects.get().status == QuoteEmail.Status.SENT
    assert client_a.get(f"/q/{token}/").status_code == 200


def test_sending_again_replaces_the_link(client_a, org_a, user_a,
                                         django_capture_on_commit_callbacks):
    quote, first = make_sent_quote(org_a, user_a)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(f"/quotes/{quote.pk}/send/", {"to": "els@example.test", "message": ""})
    second = re.search(r"/q/([\w-]+)/", mail.outbox[-1].body).group(1)
    assert client_a.get(f"/q/{first}/").status_code == 404
    assert client_a.get(f"/q/{second}/").status_code == 200


def test_answer_revoke_and_convert_from_the_detail_page(client_a, org_a, user_a):
    quote, token = make_sent_quote(org_a, user_a)
    page = client_a.get(f"/quotes/{quote.pk}/").content.decode()
    assert "Revoke link" in page or "quote-link-state" in page
    client_a.post(f"/quotes/{quote.pk}/revoke/")
    assert client_a.get(f"/q/{token}/").status_code == 404
    client_a.post(f"/quotes/{quote.pk}/answer/", {"answer": "accept", "name": "Els (tel.)"})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and quote.responded_by == user_a
    response = client_a.post(f"/quotes/{quote.pk}/convert/")
    quote.refresh_from_db()
    assert response["Location"] == f"/invoices/{quote.converted_invoice_id}/"
    response = client_a.post(f"/quotes/{quote.pk}/convert/", follow=True)
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and SalesInvoice.objects.count() == 1


def test_delete_only_a_draft(client_a, org_a, user_a):
    draft = make_quote(org_a)
    sent, _t = make_sent_quote(org_a, user_a)
    assert client_a.get(f"/quotes/{draft.pk}/delete/").status_code == 405
    client_a.post(f"/quotes/{draft.pk}/delete/")
    client_a.post(f"/quotes/{sent.pk}/delete/")
    assert list(Quote.objects.values_list("pk", flat=True)) == [sent.pk]


def test_pdf_of_a_draft_is_a_preview_and_of_a_sent_quote_the_stored_one(client_a, org_a,
                                                                         user_a):
    draft = make_quote(org_a)
    sent, _t = make_sent_quote(org_a, user_a)
    preview = client_a.get(f"/quotes/{draft.pk}/pdf/")
    assert preview.content.startswith(b"%PDF") and "inline" in preview["Content-Disposition"]
    stored = client_a.get(f"/quotes/{sent.pk}/pdf/")
    assert b"".join(stored.streaming_content) == sent.pdf.open("rb").read()


def test_list_filters_and_exports_what_it_shows(client_a, org_a, user_a):
    els = make_customer(org_a, name="Bakkerij Els")
    make_quote(org_a, customer=els, reference="PO-1")
    sent, _t = make_sent_quote(org_a, user_a, customer=els)
    make_quote(org_a, customer=make_customer(org_a, name="Garage Piet"))
    page = client_a.get("/quotes/", {"customer": els.pk}).content.decode()
    assert ">Bakkerij Els</td>" in page and ">Garage Piet</td>" not in page
    page = client_a.get("/quotes/", {"status": "sent"}).content.decode()
    assert sent.number in page and "format=csv" in page and "status=sent" in page
    csv = client_a.get("/quotes/export/", {"status": "sent", "format": "csv"})
    text = csv.content.decode("utf-8-sig")
    rows = text.strip().split("\r\n")
    assert len(rows) == 2 and rows[1].startswith(f"{sent.number};")
    assert ";121,00;" in rows[1] and "Bakkerij Els" in rows[1]
    xlsx = client_a.get("/quotes/export/", {"q": "Piet", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert len(values) == 2 and values[1][3] == "Garage Piet"
    assert client_a.get("/quotes/export/", {"format": "pdf"}).status_code == 404


def test_list_pages_like_the_invoice_list(client_a, org_a):
    customer = make_customer(org_a)
    for _ in range(26):
        make_quote(org_a, customer=customer)
    page = client_a.get("/quotes/").content.decode()
    assert page.count('href="/quotes/') >= 25 and "page=2" in page


def test_the_admin_shows_quotes_read_only_without_the_token_hash(client, org_a, user_a):
    staff = make_user("staff@example.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    quote, _token = make_sent_quote(org_a, user_a)
    page = client.get(f"/{settings.ADMIN_URL}quotes/quote/{quote.pk}/change/").content.decode()
    assert quote.number in page and quote.token_hash not in page and 'name="_save"' not in page


def test_the_export_speaks_the_users_language(client_a, org_a):
    make_quote(org_a)
    user = client_a.get("/quotes/").wsgi_request.user
    user.language = "en"
    user.save()
    header = client_a.get("/quotes/export/", {"format": "csv"}).content.decode("utf-8-sig")
    assert header.startswith("Number;Quote date;Valid until;Customer;Status;")
