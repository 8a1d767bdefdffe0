"""Mijn account: change the password (this session stays logged in) and the email address
(only through a link mailed to the new address, used by the same logged-in user in time)."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.email_change import MAX_AGE_SECONDS
from accounts.models import User
from tests.factories import PASSWORD, make_user

LOGIN = reverse("accounts:login")
NEW_PASSWORD = "Nieuw-Wachtwoord-77"


def _logged_in(email: str) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": email, "password": PASSWORD}).status_code == 302
    return client


def _link_path(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _request_email_change(client, capture, new_email: str) -> str:
    with capture(execute=True):
        response = client.post(reverse("accounts:email_change"),
                               {"new_email": new_email, "password": PASSWORD})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [new_email]
    return _link_path(message)


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(org_a, user_a):
    here, elsewhere = _logged_in(user_a.email), _logged_in(user_a.email)
    response = here.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    page = here.get(reverse("accounts:profile")).content.decode()
    assert "Uw wachtwoord is gewijzigd" in page or "Your password was changed" in page
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302
    assert SESSION_KEY not in elsewhere.session
    assert Client().post(LOGIN, {"username": user_a.email,
                                 "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_password_change_with_a_wrong_old_password_changes_nothing(client_a, user_a):
    response = client_a.post(reverse("accounts:password_change"), {
        "old_password": "wrong-one-1", "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["password_form"].errors["old_password"]
    user_a.refresh_from_db()
    assert user_a.check_password(PASSWORD)


@pytest.mark.django_db
def test_email_changes_only_when_the_new_address_confirms(
    org_a, user_a, django_capture_on_commit_callbacks
):
    client = _logged_in(user_a.email)
    link = _request_email_change(client, django_capture_on_commit_callbacks, "alice@new.test")
    user_a.refresh_from_db()
    assert user_a.email == "alice@example.test"  # not yet: the link was only mailed
    confirm_page = client.get(link).content.decode()
    assert "alice@new.test" in confirm_page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    user_a.refresh_from_db()
    assert user_a.email == "alice@new.test"
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.test"] and "alice@new.test" in notice.body
    # The session survives, the new address logs in, the old one no longer does.
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert Client().post(LOGIN, {"username": "alice@new.test",
                                 "password": PASSWORD}).status_code == 302
    assert Client().post(LOGIN, {"username": "alice@example.test",
                                 "password": PASSWORD}).status_code == 200
    # A second click does nothing.
    client.post(link)
    user_a.refresh_from_db()
    assert user_a.email == "alice@new.test"


@pytest.mark.django_db
def test_email_change_needs_the_password_and_a_free_address(client_a, user_a, user_b):
    url = reverse("accounts:email_change")
    wrong = client_a.post(url, {"new_email": "x@new.test", "password": "nope-123"})
    taken = client_a.post(url, {"new_email": "BOB@example.test", "password": PASSWORD})
    assert wrong.context["email_form"].errors["password"]
    assert taken.context["email_form"].errors["new_email"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_another_user_cannot_use_the_link(
    client_a, client_b, user_a, user_b, django_capture_on_commit_callbacks
):
    link = _request_email_change(client_a, django_capture_on_commit_callbacks, "a2@new.test")
    assert client_b.get(link).status_code == 404
    assert client_b.post(link).status_code == 404
    assert Client().get(link)["Location"].startswith(LOGIN)  # logged out: log in first
    user_a.refresh_from_db(), user_b.refresh_from_db()
    assert (user_a.email, user_b.email) == ("alice@example.test", "bob@example.test")


@pytest.mark.django_db
def test_an_expired_or_damaged_link_changes_nothing(
    client_a, user_a, django_capture_on_commit_callbacks, monkeypatch
):
    # The link was signed just over its lifetime ago.
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - MAX_AGE_SECONDS - 60)
    link = _request_email_change(client_a, django_capture_on_commit_callbacks, "a@new.test")
    monkeypatch.setattr(signing.time, "time", lambda: now)
    expired = client_a.post(link)
    assert expired.status_code == 410
    assert "no longer works" in expired.content.decode() or "werkt niet meer" in \
        expired.content.decode()
    assert client_a.get(link[:-3] + "xyz/").status_code == 410
    user_a.refresh_from_db()
    assert user_a.email == "alice@example.test"


@pytest.mark.django_db
def test_a_link_taken_meanwhile_by_another_account_is_refused(
    client_a, user_a, django_capture_on_commit_callbacks
):
    link = _request_email_change(client_a, django_capture_on_commit_callbacks, "late@new.test")
    make_user("late@new.test")
    client_a.post(link)
    assert User.objects.get(pk=user_a.pk).email == "alice@example.test"
