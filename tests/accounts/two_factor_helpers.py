"""Codes as the user's authenticator app would show them, computed with django-otp's own
TOTP (from the stored key, or from the key shown on the set-up page)."""

from base64 import b32decode

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")


def _usable_step(device: TOTPDevice) -> int:
    """The current time step, or the next one when the current was used already (a code
    works once; the device accepts one step ahead)."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return max(now, device.last_t + 1)


def app_code(user) -> str:
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    return f"{hotp(device.bin_key, _usable_step(device), device.digits):06d}"


def wrong_code(user) -> str:
    """Six digits the app shows at no step near now."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    step = _usable_step(device)
    near = {f"{hotp(device.bin_key, t, device.digits):06d}" for t in range(step - 3, step + 4)}
    return next(code for code in (f"{n:06d}" for n in range(100000, 999999)) if code not in near)


def code_from_secret(secret: str) -> str:
    """What an app set up with the key as typed (base32 in groups) shows now."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def enable_two_factor(user) -> list[str]:
    """Two-step verification turned on through the services; the recovery codes."""
    two_factor.pending_app_device(user=user)
    result = two_factor.app_device_confirm(user=user, token=app_code(user))
    assert result.device is not None
    return list(result.recovery_codes)


def log_in(client: Client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def log_in_with_code(user, code: str | None = None) -> Client:
    client = Client()
    log_in(client, user)
    response = client.post(VERIFY, {"code": code or app_code(user)})
    assert response.status_code == 302 and response["Location"] != VERIFY
    return client
