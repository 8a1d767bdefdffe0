"""Sessions end: SESSION_COOKIE_AGE after logging in the session no longer authenticates, and
logging out deletes it on the server, so a copied cookie is worth nothing afterwards."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
PROTECTED = reverse("invoicing:invoice_list")


def _log_in(user) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    # The first page stores the active organization, which saves (and renews) the session.
    assert client.get(PROTECTED).status_code == 200
    return client


def _sent_to_login(client: Client) -> bool:
    response = client.get(PROTECTED)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def _age_session(client: Client, seconds: int) -> None:
    """Make the session `seconds` old: its expiry moves that far towards now."""
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = Session.objects.get(session_key=key)
    session.expire_date -= datetime.timedelta(seconds=seconds)
    session.save()


@pytest.mark.django_db
def test_session_lasts_session_cookie_age(org_a, user_a):
    client = _log_in(user_a)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    expiry = Session.objects.get(session_key=cookie.value).expire_date
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(expiry - expected) < datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_session_older_than_its_age_is_logged_out(org_a, user_a):
    client = _log_in(user_a)
    _age_session(client, settings.SESSION_COOKIE_AGE - 60)
    assert not _sent_to_login(client), "a session a minute before its end still works"
    _age_session(client, 61)
    assert _sent_to_login(client)


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(org_a, user_a):
    client = _log_in(user_a)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert _sent_to_login(replay), "the cookie of a logged-out session still authenticates"
