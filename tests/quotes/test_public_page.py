"""The public page of a quote: only its unguessable token opens it (only the hash is
stored); a wrong, revoked, replaced or expired link shows "no longer valid" without any
data; the page links nowhere into the app; the answer is a CSRF-protected POST."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from quotes import services
from quotes.links import quote_new_link
from quotes.models import Quote, QuoteStatus, token_hash
from tests.invoicing.factories import line
from tests.quotes.factories import make_sent_quote

GONE = 'data-testid="quote-link-gone"'


@pytest.fixture
def sent(org_a, user_a):
    return make_sent_quote(org_a, user_a, lines=[line("Schilderwerk gevel", "2", "100")],
                           language="en")


def _page(client, token):
    response = client.get(f"/q/{token}/")
    return response, response.content.decode()


def test_the_token_opens_the_quote_and_only_its_hash_is_stored(sent):
    quote, token = sent
    assert len(token) >= 43 and quote.token_hash == token_hash(token) != token
    response, page = _page(Client(), token)
    assert response.status_code == 200
    assert quote.number in page and "Schilderwerk gevel" in page and "€ 242.00" in page
    assert "Valid until" in page and "Accept" in page and "Decline" in page
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]


def test_nothing_else_of_the_organization_is_reachable(sent):
    _quote, token = sent
    _response, page = _page(Client(), token)
    links = {url for url in re.findall(r'(?:href|action)="([^"]*)"', page)
             if not url.startswith(("/static/", "#"))}
    assert links <= {f"/q/{token}/pdf/", "/i18n/setlang/"}, links
    assert "/invoices/" not in page and "mainnav" not in page and "Klant B.V." in page


def test_the_pdf_downloads_under_the_same_token(sent):
    _quote, token = sent
    response = Client().get(f"/q/{token}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Client().get(f"/q/{token[:-1]}x/pdf/").status_code == 404


@pytest.mark.parametrize("token", ["wrong", "x" * 43, ""])
def test_a_wrong_token_shows_no_data(sent, token):
    response, page = _page(Client(), token or "%20")
    assert response.status_code == 404 and GONE in page
    assert sent[0].number not in page


def test_a_revoked_or_replaced_link_stops_working(sent, user_a):
    quote, token = sent
    newer = quote_new_link(quote=quote)  # what sending again does
    response, page = _page(Client(), token)
    assert response.status_code == 404 and quote.number not in page
    assert _page(Client(), newer)[0].status_code == 200
    services.quote_revoke_link(quote=quote)
    response, page = _page(Client(), newer)
    assert response.status_code == 404 and GONE in page


def test_the_link_expires_with_the_quote(sent):
    quote, token = sent
    Quote.objects.filter(pk=quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1))
    response, page = _page(Client(), token)  # before the daily task ran
    assert response.status_code == 410 and GONE in page and quote.number not in page
    assert Client().post(f"/q/{token}/", {"answer": "accept"}).status_code == 410
    assert Client().get(f"/q/{token}/pdf/").status_code == 404
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT


def test_accepting_through_the_link_thanks_and_tells_the_organization(sent, client_a):
    quote, token = sent
    response = Client().post(f"/q/{token}/", {"answer": "accept", "name": "Els de Vries",
                                               "remark": "Start graag in mei"})
    assert response.status_code == 200 and "You accepted quote" in response.content.decode()
    quote.refresh_from_db()
    assert (quote.status, quote.response_name, quote.response_remark, quote.responded_by) == (
        QuoteStatus.ACCEPTED, "Els de Vries", "Start graag in mei", None)
    response, page = _page(Client(), token)  # answered: the link is spent
    assert response.status_code == 410 and quote.number not in page
    detail = client_a.get(f"/quotes/{quote.pk}/").content.decode()
    assert "Els de Vries" in detail and "Start graag in mei" in detail


def test_declining_through_the_link(sent):
    quote, token = sent
    response = Client().post(f"/q/{token}/", {"answer": "decline"})
    assert "You declined quote" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DECLINED


def test_an_answer_without_a_choice_changes_nothing(sent):
    quote, token = sent
    assert Client().post(f"/q/{token}/", {"name": "X"}).status_code == 400
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT


def test_accept_needs_the_csrf_token(sent):
    quote, token = sent
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/q/{token}/", {"answer": "accept"}).status_code == 403
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    page = client.get(f"/q/{token}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(f"/q/{token}/", {"answer": "accept", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.ACCEPTED


def test_the_page_speaks_the_customers_language(org_a, user_a):
    _quote, token = make_sent_quote(org_a, user_a, language="nl")
    page = _page(Client(), token)[1]
    assert "Geldig tot" in page or "Valid until" in page  # the catalogue fills in at merge
    assert '<html lang="nl"' in page
