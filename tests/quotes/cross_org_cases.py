"""Every object URL of quotes: another organization's user gets 404."""

from django.urls import reverse

from tests.quotes.factories import make_quote, make_sent_quote


def _url(name, quote, method="get"):
    return method, reverse(name, args=[quote.pk])


def _sent(o, u):
    return make_sent_quote(o, u)[0]


CASES = {
    "quotes:quote_detail": lambda o, u: _url("quotes:quote_detail", make_quote(o)),
    "quotes:quote_edit": lambda o, u: _url("quotes:quote_edit", make_quote(o)),
    "quotes:quote_delete": lambda o, u: _url("quotes:quote_delete", make_quote(o), "post"),
    "quotes:quote_send": lambda o, u: _url("quotes:quote_send", make_quote(o), "post"),
    "quotes:quote_pdf": lambda o, u: _url("quotes:quote_pdf", _sent(o, u)),
    "quotes:quote_answer": lambda o, u: _url("quotes:quote_answer", _sent(o, u), "post"),
    "quotes:quote_revoke": lambda o, u: _url("quotes:quote_revoke", _sent(o, u), "post"),
    "quotes:quote_convert": lambda o, u: _url("quotes:quote_convert", _sent(o, u), "post"),
}
