import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_organization, make_user

LOGIN = reverse("accounts:login")


@pytest.mark.django_db
def test_login_with_email_and_password_then_logout(client):
    user = make_user("kees@example.test")
    make_organization("Kees Klussen", owner=user)
    response = client.post(LOGIN, {"username": "KEES@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:organization_settings")).status_code == 200
    client.post(reverse("accounts:logout"))
    after = client.get(reverse("accounts:organization_settings"))
    assert after.status_code == 302 and after["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_wrong_password_shows_error(client):
    make_user("kees@example.test")
    response = client.post(LOGIN, {"username": "kees@example.test", "password": "wrong-one-1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


@pytest.mark.django_db
def test_login_is_rate_limited_after_repeated_failures(client, settings):
    make_user("kees@example.test")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "kees@example.test", "password": "wrong-one-1"})
    # Even the right password is refused while locked out, and nobody is logged in.
    locked = client.post(LOGIN, {"username": "kees@example.test", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The message says what happened, how long to wait (the real cool-off) and what else to do.
    page = locked.content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert "Inloggen is te vaak mislukt" in page and f"{minutes} minuten" in page
    assert reverse("accounts:password_reset") in page


@pytest.mark.django_db
def test_password_reset_by_email(client):
    make_user("kees@example.test")
    client.post(reverse("accounts:password_reset"), {"email": "kees@example.test"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/password-reset/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    new = "Nieuw-Wachtwoord-9"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    login = client.post(LOGIN, {"username": "kees@example.test", "password": "Nieuw-Wachtwoord-9"})
    assert login.status_code == 302


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = make_user("argon@example.test")
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_language_chosen_on_the_login_page_is_kept_after_login(client, settings):
    user = make_user("kees@example.test")
    make_organization("Kees Klussen", owner=user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(LOGIN, {"username": "kees@example.test", "password": PASSWORD})
    user.refresh_from_db()
    assert user.language == "en"
    assert "Settings" in client.get(reverse("accounts:organization_settings")).content.decode()
