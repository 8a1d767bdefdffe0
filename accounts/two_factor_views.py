"""Two-step verification pages: set-up (QR code, confirm with a code), the recovery codes
(shown once), turning it off, the code step of logging in, and the organization's rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import two_factor
from accounts.decorators import owner_required
from accounts.inputs import local_next
from accounts.two_factor_forms import (
    AppCodeForm,
    DisableTwoFactorForm,
    OrganizationTwoFactorForm,
    VerifyCodeForm,
)

NEW_CODES_KEY = "two_factor_new_recovery_codes"
PROFILE_SECTION = "accounts:profile"


def _profile_section():
    return redirect(reverse(PROFILE_SECTION) + "#two-factor")


def _refusal(result: two_factor.VerifyResult) -> str:
    if result.locked_until is not None:
        return ngettext(
            "Too many wrong codes. Wait %(seconds)s second and try again.",
            "Too many wrong codes. Wait %(seconds)s seconds and try again.",
            result.seconds_to_wait) % {"seconds": result.seconds_to_wait}
    return _("This code is not right (or was used already). Check the app and try again.")


@never_cache
@login_required
@sensitive_post_parameters("code")
@sensitive_variables("result")
def two_factor_setup(request):
    if two_factor.has_two_factor(request.user):
        return _profile_section()
    device = two_factor.pending_app_device(user=request.user)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.app_device_confirm(user=request.user, token=form.cleaned_data["code"])
        if result.device is not None:
            otp_login(request, result.device)
            request.session[NEW_CODES_KEY] = list(result.recovery_codes)
            messages.success(request, _("Two-step verification is on."))
            return redirect("accounts:two_factor_recovery_codes")
        form.add_error("code", _refusal(result))
    context = {
        "form": form, "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_manual_entry(device), "settings_section": "profile",
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
@sensitive_variables("codes")
def two_factor_recovery_codes(request):
    """The new recovery codes, once: the session forgets them as this page is made."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return _profile_section()
    context = {"codes": codes, "codes_text": "\n".join(codes) + "\n",
               "settings_section": "profile"}
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@login_required
@require_POST
def two_factor_recovery_regenerate(request):
    if not two_factor.has_two_factor(request.user):
        return _profile_section()
    request.session[NEW_CODES_KEY] = two_factor.recovery_codes_replace(user=request.user)
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return redirect("accounts:two_factor_recovery_codes")


@never_cache
@login_required
@sensitive_post_parameters("password", "code")
def two_factor_disable(request):
    if not two_factor.has_two_factor(request.user):
        return _profile_section()
    form = DisableTwoFactorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify_code(user=request.user, token=form.cleaned_data["code"])
        if result.device is not None:
            two_factor.two_factor_disable(user=request.user)
            messages.success(request, _("Two-step verification is off."))
            return _profile_section()
        form.add_error("code", _refusal(result))
    return render(request, "accounts/two_factor_disable.html",
                  {"form": form, "settings_section": "profile"})


@never_cache
@sensitive_post_parameters("code")
def two_factor_verify(request):
    """The second step of logging in: a code from the app or a recovery code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    target = local_next(request.POST.get("next") or request.GET.get("next"))
    if not two_factor.needs_verification(request.user):
        return redirect(target or "home")
    form = VerifyCodeForm(request.POST or None, initial={"next": target})
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify_code(user=request.user, token=form.cleaned_data["code"])
        if result.device is not None:
            return _verified(request, result.device, target)
        form.add_error("code", _refusal(result))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _verified(request, device, target: str) -> HttpResponse:
    request.session.cycle_key()
    otp_login(request, device)
    if two_factor.is_recovery_device(device):
        left = two_factor.recovery_codes_left(request.user)
        messages.warning(request, ngettext(
            "You used a recovery code; %(count)s is left. Make new ones under My account.",
            "You used a recovery code; %(count)s are left. Make new ones under My account.",
            left) % {"count": left})
    return redirect(target or "home")


@owner_required
@require_POST
def organization_two_factor(request):
    form = OrganizationTwoFactorForm(request.POST)
    required = form.is_valid() and form.cleaned_data["require_two_factor"]
    if required and not two_factor.has_two_factor(request.user):
        messages.error(request, _("Turn on two-step verification for your own account first "
                                  "(under My account); then you can require it of everyone."))
        return redirect(reverse("accounts:organization_settings") + "#two-factor")
    request.organization.require_two_factor = required
    request.organization.save(update_fields=["require_two_factor"])
    messages.success(request, _("Two-step verification is now required for all members.")
                     if required else _("Two-step verification is no longer required."))
    return redirect(reverse("accounts:organization_settings") + "#two-factor")
