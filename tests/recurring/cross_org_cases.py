"""Every object URL of recurring invoices: another organization's user gets 404."""

from django.urls import reverse

from tests.recurring.factories import make_template


def _url(name, method="get"):
    return lambda o, u: (method, reverse(name, args=[make_template(o).pk]))


CASES = {
    "recurring:template_detail": _url("recurring:template_detail"),
    "recurring:template_edit": _url("recurring:template_edit"),
    "recurring:template_pause": _url("recurring:template_pause", "post"),
    "recurring:template_resume": _url("recurring:template_resume", "post"),
    # The confirmation page (GET) and the deletion (POST) are one view: the POST is the case.
    "recurring:template_delete": _url("recurring:template_delete", "post"),
    "recurring:template_generate": _url("recurring:template_generate", "post"),
}
