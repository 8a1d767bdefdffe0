"""The second step of logging in, enforced on every request (after django-otp's OTPMiddleware,
which tells whether this session was verified, and after the active organization is known).

- A user whose account has two-step verification and who logged in with the password only
  reaches nothing but the code page (and logging out, the language switch, static files and
  the health checks) until a code was accepted; the admin included.
- In an organization that requires two-step verification, a member without it reaches only
  the set-up page and My account (and logging out, switching organizations) until it is on."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from accounts.two_factor import has_two_factor

ALWAYS_OPEN = ("accounts:logout", "set_language")
OPEN_PREFIXES = ("/health/",)
VERIFY_OPEN = ("accounts:two_factor_verify",)
SETUP_OPEN = ("accounts:profile", "accounts:two_factor_setup", "accounts:organization_switch")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_open(request.path, ()):
            return self.get_response(request)
        return self._gate(request, user) or self.get_response(request)

    @staticmethod
    def _gate(request, user):
        """A redirect while a step is missing; None when the request may go on. A session
        verified with a code needs no further look (django-otp checked its device)."""
        if user.is_verified():
            return None
        if has_two_factor(user):
            # Until the code, no organization is active: its pages, name and menu stay shut.
            request.organization = request.membership = None
            if not _is_open(request.path, VERIFY_OPEN):
                return _redirect_keeping_next(request, "accounts:two_factor_verify")
        elif _organization_requires(request) and not _is_open(request.path, SETUP_OPEN):
            return redirect("accounts:two_factor_setup")
        return None


def _organization_requires(request) -> bool:
    organization = getattr(request, "organization", None)
    return organization is not None and organization.require_two_factor


def _is_open(path: str, names: tuple[str, ...]) -> bool:
    """Whether the path is one of these pages (or below it), or always reachable."""
    prefixes = [reverse(name) for name in (*ALWAYS_OPEN, *names)]
    prefixes += [*OPEN_PREFIXES, settings.STATIC_URL]
    return any(path.startswith(prefix) for prefix in prefixes)


def _redirect_keeping_next(request, name: str):
    """To the code page; a page that was asked for (GET) is where the user goes after it."""
    url = reverse(name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)
