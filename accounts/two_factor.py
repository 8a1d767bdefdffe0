"""Two-step verification with django-otp: an authenticator app (TOTP) plus ten one-time
recovery codes (a static device). A user "has two-step verification" once their TOTP device is
confirmed with a code from the app; an unconfirmed device is only a set-up in progress.

django-otp stores the keys and throttles wrong codes per device (1, 2, 4 ... seconds). The
functions that hold a key or a code in a local variable are marked sensitive, so an error
report never shows them."""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
_TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class VerifyResult:
    """What checking a code gave: the device that accepted it, or why none did."""

    device: Device | None = None
    locked_until: datetime | None = None
    recovery_codes: tuple[str, ...] = ()

    @property
    def seconds_to_wait(self) -> int:
        if self.locked_until is None:
            return 0
        return max(1, int((self.locked_until - timezone.now()).total_seconds() + 0.999))


@dataclass(frozen=True)
class Status:
    """What My account shows."""

    enabled: bool
    recovery_codes_left: int
    owner_should_enable: bool


def status(user) -> Status:
    enabled = has_two_factor(user)
    return Status(enabled=enabled,
                  recovery_codes_left=recovery_codes_left(user) if enabled else 0,
                  owner_should_enable=not enabled and owner_without_two_factor(user))


def has_two_factor(user) -> bool:
    """Whether the user turned two-step verification on (a confirmed authenticator app)."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_verification(user) -> bool:
    """Logged in with the password only, while the account asks for a second step."""
    return user.is_authenticated and not user.is_verified() and has_two_factor(user)


def owner_without_two_factor(user, organization=None) -> bool:
    """An owner (of this organization, or of any) whose account has no second step yet."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER)
    if organization is not None:
        owned = owned.filter(organization=organization)
    return owned.exists() and not has_two_factor(user)


def is_recovery_device(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_app_device(*, user) -> TOTPDevice:
    """The unconfirmed device of a set-up in progress (the same key until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


@sensitive_variables("key")
def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


class QRCodeError(RuntimeError):
    """The QR code could not be made (the library's own error and frames, which hold the key,
    are left out of error reports)."""


@sensitive_variables("url", "code")
def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (made here, nothing from the network)."""
    url = device.config_url
    try:
        code = segno.make(url, error="m")
        return code.svg_inline(scale=4, border=2, omitsize=True, svgclass="qr-code")
    except Exception:
        raise QRCodeError("The QR code of an authenticator app could not be made") from None


@sensitive_variables("token")
def app_device_confirm(*, user, token: str) -> VerifyResult:
    """Confirm the set-up with a code from the app; on success the result carries the new
    recovery codes (to show once)."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).order_by("id").first())
        if device is None:
            return VerifyResult()
        result = _check(device, token.strip())
        if result.device is None:
            return result
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return VerifyResult(device=device, recovery_codes=tuple(recovery_codes_replace(user=user)))


@sensitive_variables("codes")
def recovery_codes_replace(*, user) -> list[str]:
    """Ten new recovery codes; the previous ones stop working."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        return codes


def two_factor_disable(*, user) -> None:
    """Remove the app and the recovery codes: the password alone logs in again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


@sensitive_variables("token", "code")
def verify_code(*, user, token: str) -> VerifyResult:
    """Check a code from the app (six digits) or a recovery code (used up when accepted),
    within django-otp's throttling."""
    code = re.sub(r"[\s-]", "", token or "").lower()
    model = TOTPDevice if _TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None or not code:
            return VerifyResult()
        return _check(device, code)


@sensitive_variables("code")
def _check(device: Device, code: str) -> VerifyResult:
    """The device's verdict on a code; refused unheard while wrong codes came too fast."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return VerifyResult(locked_until=(details or {}).get("locked_until"))
    if isinstance(device, TOTPDevice) and not _TOTP_CODE.match(code):
        return VerifyResult()
    return VerifyResult(device=device) if device.verify_token(code) else VerifyResult()
