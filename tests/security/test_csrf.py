"""CSRF on every POST: each URL of the project (walked from the URLconf) refuses a POST without
a token from a logged-in user with 403, and nothing is written. The object URLs get a real row
of the user's own organization (from the cross-organization builders), so without the check
the view would act on it. No view is exempt from the check."""

import logging

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import email_verification
from accounts.models import Invitation
from tests.api.walk import BUILDERS, basename
from tests.factories import make_user
from tests.quotes.factories import make_sent_quote
from tests.security.urlconf import Endpoint, endpoints
from tests.test_cross_organization import CASES

ENDPOINTS = endpoints()
# Views that may take a POST without a CSRF token, and why. None of the product's own pages
# may; the JSON API takes no session or cookie at all (a bearer token in a header, which
# another site's form cannot send), so there is nothing for a forged request to ride on.
CSRF_EXEMPT_ALLOWED: dict[str, str] = {
    e.key: "JSON API: bearer token only, no session" for e in ENDPOINTS if e.namespace == "api"}


def _password_reset(org, user) -> dict:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {"uidb64": uid, "token": default_token_generator.make_token(user)}


def _invitation(org, user) -> dict:
    invitation = Invitation.objects.create(organization=org, email="n@example.test",
                                           invited_by=user)
    return {"token": invitation.token()}


def _email_verification(org, user) -> dict:
    return {"token": email_verification.make_token(user_id=user.pk, email=user.email)}


def _quote_link(org, user) -> dict:
    _quote, token = make_sent_quote(org, user)
    return {"token": token}


def _export_format(org, user) -> dict:
    return {"fmt": "csv"}


ARGUMENTS = {
    "accounts:password_reset_confirm": _password_reset,
    "accounts:invitation_accept": _invitation,
    "accounts:email_verify": _email_verification,
    **dict.fromkeys(("quote_public:quote", "quote_public:pdf"), _quote_link),
    **dict.fromkeys(("invoicing:invoice_export", "invoicing:customer_export",
                     "invoicing:supplier_export", "invoicing:purchase_export"), _export_format),
}


def _admin_arguments(superuser) -> dict:
    # The CSRF check runs before the admin view looks anything up; any well-formed id will do.
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(superuser)
    return {"object_id": str(superuser.pk), "id": str(superuser.pk),
            "content_type_id": str(content_type.pk), "app_label": "accounts",
            "url": "no-such-page/"}


def _path(endpoint: Endpoint, org_a, user_a, superuser) -> str:
    if endpoint.namespace == "api" and "pk" in endpoint.arguments:
        return endpoint.path({"pk": str(BUILDERS[basename(endpoint)](org_a, user_a).pk)})
    if endpoint.key in CASES:
        return CASES[endpoint.key](org_a, user_a)[1]
    if endpoint.key in ARGUMENTS:
        return endpoint.path(ARGUMENTS[endpoint.key](org_a, user_a))
    if endpoint.namespace == "admin":
        return endpoint.path(_admin_arguments(superuser))
    assert not endpoint.arguments, f"{endpoint.key} has no cross-organization case to build it"
    return endpoint.path({})


def _writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this test's transaction, per table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
                       "FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    # The first request stores the active organization in the session; a page with a form
    # sets the CSRF cookie: only the token, which another site cannot read, is missing.
    client.get(reverse("accounts:profile"))
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_post_without_csrf_token_is_refused_and_writes_nothing(endpoint, org_a, user_a, caplog):
    superuser = make_user("root@example.test", is_staff=True, is_superuser=True)
    url = _path(endpoint, org_a, user_a, superuser)
    assert resolve(url.split("?")[0]).func == endpoint.callback, f"{url} is another view"
    client = _client(superuser if endpoint.namespace == "admin" else user_a)
    before = _writes()
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post(url, {"name": "x", "email": "x@example.test"})
    if endpoint.namespace == "api":
        # The session cookie is worth nothing there: no token, no entry (the public document
        # and reference page take GET only, and check CSRF for a session: 403).
        assert response.status_code in (401, 403), f"POST {url} with a session was accepted"
        assert _writes() == before, f"POST {url} with only a session wrote to the database"
        return
    assert response.status_code == 403, f"POST {url} without a CSRF token was accepted"
    refusals = [r.getMessage() for r in caplog.records if r.name == "django.security.csrf"]
    assert refusals == [f"Forbidden (CSRF token missing.): {url}"], "not refused for CSRF"
    assert _writes() == before, f"POST {url} without a CSRF token wrote to the database"
    assert mail.outbox == []


def test_no_view_is_exempt_from_csrf():
    exempt = {e.key for e in ENDPOINTS if getattr(e.callback, "csrf_exempt", False)}
    assert exempt <= set(CSRF_EXEMPT_ALLOWED), f"csrf_exempt views: {sorted(exempt)}"


def test_the_exemption_check_sees_a_csrf_exempt_view():
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    webhook = path("hooks/in/", csrf_exempt(lambda request: None), name="hook")
    assert getattr(endpoints([webhook])[0].callback, "csrf_exempt", False)
