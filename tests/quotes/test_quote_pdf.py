"""The quote's PDF: in the customer's language, titled as a quote, with its validity date,
the invoice's letterhead, lines and totals, and no payment instructions."""

from quotes.pdf import render_quote_html
from tests.invoicing.factories import line, make_customer
from tests.quotes.factories import make_quote, make_sent_quote


def test_the_pdf_speaks_the_customers_language_and_shows_the_validity(org_a, user_a):
    german = make_customer(org_a, name="Schmidt GmbH", language="en", country="DE",
                           vat_id="DE123456788")
    quote, _token = make_sent_quote(org_a, user_a, customer=german,
                                    lines=[line("Spray booth", "1", "3400", rate="icp_services")])
    html = render_quote_html(quote)
    assert f"Quote {quote.number}" in html and "Valid until" in html
    assert f"This quote is valid until {quote.valid_until:%d-%m-%Y}." in html
    assert "Intra-Community services, VAT reverse charged" in html
    assert "Please pay" not in html and "IBAN NL91" in html  # letterhead, no payment request
    assert "Schmidt GmbH" in html and "€ 3,400.00" in html


def test_a_draft_preview_says_it_is_no_valid_quote(org_a):
    quote = make_quote(org_a, customer=make_customer(org_a, language="nl"))
    quote.seller, quote.buyer = {"name": org_a.name}, {"name": "Klant"}
    html = render_quote_html(quote, preview=True)
    assert '<html lang="nl">' in html and 'class="preview"' in html
