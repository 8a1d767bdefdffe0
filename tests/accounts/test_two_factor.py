"""Two-step verification (django-otp): set-up with a code from the app, the code step after
the password, recovery codes (each once; new ones replace the old), turning it off (password
and a code), an organization that requires it, the owners' notice, throttled wrong codes, a
"next" that stays on this site, and keys that appear nowhere after the set-up."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Membership
from tests.accounts.two_factor_helpers import (
    VERIFY,
    app_code,
    enable_two_factor,
    log_in,
    log_in_with_code,
    wrong_code,
)
from tests.factories import PASSWORD, make_organization, make_user

SETUP = reverse("accounts:two_factor_setup")
CODES = reverse("accounts:two_factor_recovery_codes")
REGENERATE = reverse("accounts:two_factor_recovery_regenerate")
DISABLE = reverse("accounts:two_factor_disable")
PROFILE = reverse("accounts:profile")
START = reverse("invoicing:start")
ORG_RULE = reverse("accounts:organization_two_factor")
WRONG = "This code is not right (or was used already). Check the app and try again."


def _dutch(msgid: str) -> str:
    with translation.override("nl"):
        return gettext(msgid)


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    """A wrong code followed at once by the right one: no back-off between (the throttling
    test turns it on)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.mark.django_db
def test_set_up_counts_only_after_a_right_code_and_shows_the_recovery_codes_once(
        client_a, user_a):
    page = client_a.get(SETUP)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert page.context["secret"].replace(" ", "").isalnum()
    assert not two_factor.has_two_factor(user_a)

    wrong = client_a.post(SETUP, {"code": wrong_code(user_a)})
    assert wrong.status_code == 200 and _dutch(WRONG) in wrong.content.decode()
    not_digits = client_a.post(SETUP, {"code": "12ab56"})
    assert not_digits.status_code == 200 and not_digits.context["form"].errors
    assert not two_factor.has_two_factor(user_a)

    right = client_a.post(SETUP, {"code": app_code(user_a)})
    assert right.status_code == 302 and right["Location"] == CODES
    assert two_factor.has_two_factor(user_a)
    codes = client_a.get(CODES).context["codes"]
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=user_a).count()
    assert client_a.get(CODES).status_code == 302  # shown once
    # This session counts as verified: the pages stay reachable.
    assert client_a.get(START).status_code == 200


@pytest.mark.django_db
def test_login_asks_for_the_code_before_anything_else(org_a, user_a):
    enable_two_factor(user_a)
    client = Client()
    response = log_in(client, user_a, next_url="/invoices/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    for url in (START, PROFILE, reverse("accounts:members"), "/admin/"):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"].startswith(VERIFY), url
    assert client.get(VERIFY).status_code == 200
    assert client.post(VERIFY, {"code": wrong_code(user_a)}).status_code == 200
    done = client.post(VERIFY, {"code": app_code(user_a), "next": "/invoices/"})
    assert done.status_code == 302 and done["Location"] == "/invoices/"
    assert client.get(START).status_code == 200


@pytest.mark.django_db
def test_force_logged_in_session_of_a_user_with_a_device_is_not_verified(org_a, user_a):
    enable_two_factor(user_a)
    client = Client()
    client.force_login(user_a)
    assert client.get(START)["Location"].startswith(VERIFY)
    assert client.post(reverse("accounts:logout")).status_code == 302


@pytest.mark.django_db
def test_a_recovery_code_works_once(org_a, user_a):
    code = enable_two_factor(user_a)[0]
    client = log_in_with_code(user_a, code=code.upper()[:4] + " " + code.upper()[4:])
    assert two_factor.recovery_codes_left(user_a) == 9
    assert client.get(START).status_code == 200

    again = Client()
    log_in(again, user_a)
    refused = again.post(VERIFY, {"code": code})
    assert refused.status_code == 200 and _dutch(WRONG) in refused.content.decode()
    assert again.get(START)["Location"].startswith(VERIFY)


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(org_a, user_a):
    old = enable_two_factor(user_a)
    client = log_in_with_code(user_a)
    assert client.post(REGENERATE)["Location"] == CODES
    new = client.get(CODES).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    other = Client()
    log_in(other, user_a)
    assert other.post(VERIFY, {"code": old[1]}).status_code == 200
    assert other.post(VERIFY, {"code": new[1]}).status_code == 302


@pytest.mark.django_db
def test_turning_off_needs_the_password_and_a_code(org_a, user_a):
    enable_two_factor(user_a)
    client = log_in_with_code(user_a)
    no_password = client.post(DISABLE, {"password": "wrong-one-1", "code": app_code(user_a)})
    assert no_password.status_code == 200 and "password" in no_password.context["form"].errors
    no_code = client.post(DISABLE, {"password": PASSWORD, "code": wrong_code(user_a)})
    assert no_code.status_code == 200 and "code" in no_code.context["form"].errors
    assert two_factor.has_two_factor(user_a)

    off = client.post(DISABLE, {"password": PASSWORD, "code": app_code(user_a)})
    assert off.status_code == 302 and not two_factor.has_two_factor(user_a)
    assert not TOTPDevice.objects.filter(user=user_a).exists()
    assert not StaticToken.objects.filter(device__user=user_a).exists()
    plain = Client()
    assert log_in(plain, user_a)["Location"] == reverse("home")
    assert plain.get(START).status_code == 200


@pytest.mark.django_db
def test_an_organization_that_requires_it_sends_members_without_it_to_the_set_up(org_a):
    org_a.require_two_factor = True
    org_a.save()
    member, verified = make_user("m1@example.test"), make_user("m2@example.test")
    for user in (member, verified):
        Membership.objects.create(user=user, organization=org_a)
    client = Client()
    client.force_login(member)
    for url in (START, reverse("invoicing:invoice_list"), reverse("accounts:members")):
        assert client.get(url)["Location"] == SETUP, url
    for url in (SETUP, PROFILE):
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("accounts:logout")).status_code == 302

    enable_two_factor(verified)
    assert log_in_with_code(verified).get(START).status_code == 200
    # The same member in an organization that does not require it works as before.
    other = make_organization("Vrij B.V.", owner=member)
    free = Client()
    free.force_login(member)
    free.post(reverse("accounts:organization_switch"), {"organization": other.pk})
    assert free.get(START).status_code == 200


@pytest.mark.django_db
def test_only_an_owner_with_two_factor_can_require_it(org_a, user_a):
    member = make_user("lid@example.test")
    Membership.objects.create(user=member, organization=org_a)
    as_member = Client()
    as_member.force_login(member)
    assert as_member.post(ORG_RULE, {"require_two_factor": "on"}).status_code == 403
    owner = Client()
    owner.force_login(user_a)
    owner.post(ORG_RULE, {"require_two_factor": "on"})
    org_a.refresh_from_db()
    assert not org_a.require_two_factor  # the owner turns it on for themselves first

    enable_two_factor(user_a)
    owner = log_in_with_code(user_a)
    assert owner.post(ORG_RULE, {"require_two_factor": "on"}).status_code == 302
    org_a.refresh_from_db()
    assert org_a.require_two_factor
    owner.post(ORG_RULE, {})
    org_a.refresh_from_db()
    assert not org_a.require_two_factor


@pytest.mark.django_db
def test_owners_without_two_factor_are_asked_to_turn_it_on(org_a, user_a):
    member = make_user("lid@example.test")
    Membership.objects.create(user=member, organization=org_a)
    owner = Client()
    owner.force_login(user_a)
    assert SETUP in owner.get(START).content.decode()
    assert 'data-testid="two-factor-owner-notice"' in owner.get(PROFILE).content.decode()
    as_member = Client()
    as_member.force_login(member)
    assert SETUP not in as_member.get(START).content.decode()
    assert "two-factor-owner-notice" not in as_member.get(PROFILE).content.decode()

    enable_two_factor(user_a)
    owner = log_in_with_code(user_a)
    assert SETUP not in owner.get(START).content.decode()
    assert "two-factor-owner-notice" not in owner.get(PROFILE).content.decode()


@pytest.mark.django_db
def test_every_two_factor_post_needs_the_csrf_token(org_a, user_a):
    enable_two_factor(user_a)
    unverified = Client(enforce_csrf_checks=True)
    unverified.force_login(user_a)
    assert unverified.post(VERIFY, {"code": app_code(user_a)}).status_code == 403
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    client.cookies.update(log_in_with_code(user_a).cookies)  # a verified session
    for url, data in ((REGENERATE, {}), (DISABLE, {"password": PASSWORD, "code": "123456"}),
                      (ORG_RULE, {"require_two_factor": "on"}), (SETUP, {"code": "123456"})):
        assert client.post(url, data).status_code == 403, url
    assert two_factor.has_two_factor(user_a)


@pytest.mark.django_db
def test_wrong_codes_are_throttled_with_a_clear_message(settings, org_a, user_a):
    enable_two_factor(user_a)
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    client = Client()
    log_in(client, user_a)
    client.post(VERIFY, {"code": wrong_code(user_a)})
    refused = client.post(VERIFY, {"code": app_code(user_a)})
    assert refused.status_code == 200
    with translation.override("nl"):
        expected = ngettext("Too many wrong codes. Wait %(seconds)s second and try again.",
                            "Too many wrong codes. Wait %(seconds)s seconds and try again.", 60)
    pattern = re.escape(expected % {"seconds": "SECONDS"}).replace("SECONDS", r"\d+")
    assert re.fullmatch(pattern, refused.context["form"].errors["code"][0])
    assert client.get(START)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.get(user=user_a).throttling_failure_count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("next_url, lands_on", [
    ("/invoices/?page=2", "/invoices/?page=2"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/steal", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_is_taken_only_as_a_local_path(org_a, user_a, next_url, lands_on):
    enable_two_factor(user_a)
    client = Client()
    log_in(client, user_a)
    page = client.get(VERIFY, {"next": next_url})
    assert page.context["form"]["next"].value() in (next_url, "")
    done = client.post(VERIFY, {"code": app_code(user_a), "next": next_url})
    assert done.status_code == 302 and done["Location"] == lands_on


@pytest.mark.django_db
def test_the_admin_needs_a_verified_session_and_shows_no_key(org_a, user_a):
    user_a.is_staff = user_a.is_superuser = True
    user_a.save()
    enable_two_factor(user_a)
    device = TOTPDevice.objects.get(user=user_a)
    password_only = Client()
    password_only.force_login(user_a)
    assert password_only.get("/admin/")["Location"].startswith(VERIFY)
    client = log_in_with_code(user_a)
    pages = [client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"),
             client.get("/admin/otp_totp/totpdevice/"),
             client.get("/admin/otp_static/staticdevice/")]
    assert all(page.status_code == 200 for page in pages)
    text = "".join(page.content.decode() for page in pages)
    tokens = StaticToken.objects.filter(device__user=user_a).values_list("token", flat=True)
    assert device.key not in text and not any(token in text for token in tokens)


@pytest.mark.django_db
def test_the_key_and_codes_are_nowhere_after_the_set_up(client_a, user_a, caplog):
    caplog.set_level(logging.DEBUG)
    client_a.get(SETUP)
    secret = client_a.get(SETUP).context["secret"]
    client_a.post(SETUP, {"code": app_code(user_a)})
    codes = client_a.get(CODES).context["codes"]
    device = TOTPDevice.objects.get(user=user_a)
    profile = client_a.get(PROFILE).content.decode()
    for secret_text in (device.key, secret, secret.replace(" ", ""), *codes):
        assert secret_text not in profile
        assert secret_text not in caplog.text


@pytest.mark.django_db
def test_an_error_page_during_the_set_up_shows_no_key(settings, monkeypatch, org_a, user_a):
    """Even Django's debug page (``make run`` has DEBUG on) of a failing set-up page shows
    neither the key nor the otpauth:// link (not in our frames, nor in the library's)."""
    settings.DEBUG = True

    def broken_qr(*args, **kwargs):
        raise RuntimeError("the QR library failed")

    monkeypatch.setattr(two_factor.segno, "make", broken_qr)  # the library, not our code
    client = Client(raise_request_exception=False)
    client.force_login(user_a)
    page = client.get(SETUP, HTTP_ACCEPT="text/html")
    assert page.status_code == 500 and "QRCodeError" in page.content.decode()
    device = TOTPDevice.objects.get(user=user_a)
    secret = two_factor.secret_for_manual_entry(device).replace(" ", "")
    for secret_text in (device.key, secret, device.config_url):
        assert secret_text not in page.content.decode()
