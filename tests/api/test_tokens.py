"""Settings > API: a token is made and shown once, stored as a fingerprint only, works with
its scope for its own organization, stops at once when revoked or expired, and every request
is listed with the token's name."""

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiRequest, ApiToken, token_digest
from tests.api.conftest import api_client, make_token
from tests.factories import make_user
from tests.invoicing.factories import make_customer

CUSTOMERS = "/api/v1/customers/"


@pytest.mark.django_db
def test_owner_makes_a_token_shown_once_and_stored_as_a_fingerprint(client_a, org_a):
    response = client_a.post(reverse("api_tokens:tokens"),
                             {"name": "Webshop", "scope": "write", "expires_on": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    plain = response.context["created"]["plain"]
    assert plain.startswith("fct_") and plain in response.content.decode()
    token = ApiToken.objects.get(organization=org_a)
    assert (token.name, token.scope, token.expires_at) == ("Webshop", "write", None)
    assert token.digest == token_digest(plain) and plain not in token.digest
    assert plain.startswith(token.prefix + "_")
    # Shown once: the page afterwards lists the token, never its text.
    again = client_a.get(reverse("api_tokens:tokens")).content.decode()
    assert token.prefix in again and plain not in again
    assert api_client(plain).get(CUSTOMERS).status_code == 200


@pytest.mark.django_db
def test_a_token_expiring_today_or_earlier_is_refused(client_a, org_a):
    today = timezone.localdate().isoformat()
    response = client_a.post(reverse("api_tokens:tokens"),
                             {"name": "X", "scope": "read", "expires_on": today})
    assert "Kies een dag na vandaag." in response.content.decode()  # the page is Dutch
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_member_who_is_no_owner_cannot_open_the_page(org_a):
    from django.test import Client

    from accounts.models import Membership

    member = make_user("m@example.test")
    Membership.objects.create(organization=org_a, user=member, role=Membership.Role.MEMBER)
    client = Client()
    client.force_login(member)
    assert client.get(reverse("api_tokens:tokens")).status_code == 403


@pytest.mark.django_db
def test_revoking_takes_effect_at_once(client_a, org_a, user_a):
    token, plain = make_token(org_a, user_a)
    api = api_client(plain)
    assert api.get(CUSTOMERS).status_code == 200
    response = client_a.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    refused = api.get(CUSTOMERS)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "The API token is invalid, expired or revoked."}
    assert refused["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_an_expired_token_and_garbage_are_refused(org_a, user_a):
    _token, plain = make_token(org_a, user_a,
                               expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert api_client(plain).get(CUSTOMERS).status_code == 401
    for text in ("fct_00000000_nope", "nonsense", "fct_" + "x" * 500):
        assert api_client(text).get(CUSTOMERS).status_code == 401
    assert api_client("").get(CUSTOMERS).status_code == 401


@pytest.mark.django_db
def test_a_token_whose_maker_left_the_organization_stops(org_a, user_a):
    from accounts.models import Membership

    member = make_user("m@example.test")
    Membership.objects.create(organization=org_a, user=member, role=Membership.Role.OWNER)
    _token, plain = make_token(org_a, member)
    assert api_client(plain).get(CUSTOMERS).status_code == 200
    Membership.objects.filter(user=member).delete()
    assert api_client(plain).get(CUSTOMERS).status_code == 401


@pytest.mark.django_db
def test_no_session_gets_in_without_a_token(client_a):
    assert client_a.get(CUSTOMERS).status_code == 401


@pytest.mark.django_db
def test_read_scope_cannot_write(reader_a, org_a):
    response = reader_a.post(CUSTOMERS, {"name": "Nieuw"}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This API token may only read; make a token with the write scope."}
    assert reader_a.get(CUSTOMERS).status_code == 200


@pytest.mark.django_db
def test_every_request_is_logged_with_the_tokens_name(client_a, org_a, user_a, caplog):
    token, plain = make_token(org_a, user_a, name="Urenregistratie")
    customer = make_customer(org_a)
    api = api_client(plain)
    with caplog.at_level(logging.INFO, logger="api.requests"):
        api.get(CUSTOMERS)
        api.get(f"{CUSTOMERS}{customer.pk}/")
        api.get(f"{CUSTOMERS}999999/")
    rows = list(ApiRequest.objects.order_by("at", "id").values_list(
        "token_name", "method", "path", "status_code"))
    assert rows == [("Urenregistratie", "GET", CUSTOMERS, 200),
                    ("Urenregistratie", "GET", f"{CUSTOMERS}{customer.pk}/", 200),
                    ("Urenregistratie", "GET", f"{CUSTOMERS}999999/", 404)]
    lines = [r for r in caplog.records if r.name == "api.requests"]
    assert [(r.token_name, r.status) for r in lines] == [
        ("Urenregistratie", 200), ("Urenregistratie", 200), ("Urenregistratie", 404)]
    assert all(plain not in r.getMessage() for r in caplog.records)
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = client_a.get(reverse("api_tokens:tokens")).content.decode()
    assert f"GET {CUSTOMERS}999999/" in page and "Urenregistratie" in page


@pytest.mark.django_db
def test_only_the_newest_requests_are_kept_per_token(org_a, user_a, settings):
    from api import services

    token, _plain = make_token(org_a, user_a)
    for number in range(services.REQUESTS_KEPT + 5):
        services.request_record(token=token, method="GET", path=f"/api/v1/x/{number}",
                                status_code=200)
    assert token.requests.count() == services.REQUESTS_KEPT
    assert not token.requests.filter(path="/api/v1/x/0").exists()


@pytest.mark.django_db
def test_rate_limit_per_token(org_a, user_a, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    first = api_client(make_token(org_a, user_a)[1])
    second = api_client(make_token(org_a, user_a, name="Other")[1])
    assert [first.get(CUSTOMERS).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get(CUSTOMERS).status_code == 200  # its own count
    assert ApiRequest.objects.filter(status_code=429, token_name="Webshop").count() == 1


@pytest.mark.django_db
def test_a_token_in_a_log_line_or_error_report_is_masked(org_a, user_a):
    from config.logging import MASK, SecretsExceptionReporterFilter, redact

    token, plain = make_token(org_a, user_a)
    assert redact(f"curl -H 'Authorization: Bearer {plain}'") == (
        f"curl -H 'Authorization: Bearer {token.prefix}_{MASK}'")
    assert SecretsExceptionReporterFilter.hidden_settings.search("HTTP_AUTHORIZATION")
