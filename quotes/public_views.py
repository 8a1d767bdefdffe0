"""The public page of a quote: reachable only with its link's token, no login. It shows this
quote and its PDF and takes the customer's answer; nothing else of the organization is
reachable from it. A link that is unknown, revoked, expired or of a quote no longer open
shows one "no longer valid" page without any data."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from quotes import services
from quotes.forms import AnswerForm
from quotes.links import quote_for_token
from quotes.services import QuoteError
from quotes.views import pdf_response


def _private(view):
    """No caching, no referrer carrying the token to another site (same-origin, not
    no-referrer: with that browsers send "Origin: null" and the CSRF check refuses the
    answer), no search engine indexing."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    return never_cache(wrapped)


def _in_quote_language(request, quote) -> None:
    # The customer's language, unless they chose one with the page's language switch.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(quote.language)
        request.LANGUAGE_CODE = quote.language


def _gone(request, status: int):
    return render(request, "quotes/public/gone.html", status=status)


def _page(request, quote, form, status=200):
    context = {"quote": quote, "lines": quote.lines.all(), "vat_totals": quote.vat_totals.all(),
               "seller": quote.seller, "buyer": quote.buyer, "form": form,
               "token": request.resolver_match.kwargs["token"]}
    return render(request, "quotes/public/quote.html", context, status=status)


@_private
@require_http_methods(["GET", "POST"])
def public_quote(request, token: str):
    quote = quote_for_token(token)
    if quote is None:
        return _gone(request, 404)
    _in_quote_language(request, quote)
    if not quote.link_is_valid():
        return _gone(request, 410)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, quote, form, 400 if request.method == "POST" else 200)
    try:
        quote = services.quote_respond(quote=quote, accept=form.accepts,
                                       name=form.cleaned_data["name"],
                                       remark=form.cleaned_data["remark"])
    except QuoteError:
        return _gone(request, 410)
    return render(request, "quotes/public/thanks.html", {"quote": quote})


@_private
def public_quote_pdf(request, token: str):
    quote = quote_for_token(token)
    if quote is None or not quote.link_is_valid():
        return _gone(request, 404)
    return pdf_response(quote)
