"""Rate limits on everything that sends email or tries credentials, counted by
django-ratelimit in the shared cache (Redis: every web process sees the same counts).

Each limit has a name in settings.RATE_LIMITS ("10/h" style, read at every request so tests
can lower them). A view counts an attempt against one or more limits, each with its own key
(the client's address behind our proxies, a user, an organization, a target address) before
it saves anything; when a limit is exceeded it shows the page again with HTTP 429."""

import math

from django.conf import settings
from django.contrib import messages
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from config.proxy import client_ip

TOO_MANY_REQUESTS = 429


def client_address(request) -> str:
    return client_ip(request)


def _seconds_left(request, name: str, key: str) -> int:
    """Count one attempt of ``key`` against limit ``name``; the seconds until the window
    ends when the limit is exceeded, else 0."""
    usage = get_usage(
        request, group=f"facturen.{name}", key=lambda _group, _request: key,
        rate=lambda _group, _request: settings.RATE_LIMITS[name], increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return 0
    return max(usage["time_left"], 1)


def limited(request, **keys: str) -> bool:
    """Count this attempt against every named limit (``name=key``); True, with the message
    for the user, when any of them is exceeded."""
    waits = [_seconds_left(request, name, str(key).lower()) for name, key in keys.items()]
    if not any(waits):
        return False
    minutes = max(1, math.ceil(max(waits) / 60))
    messages.error(request, ngettext(
        "Too many attempts in a short time: nothing was saved or sent. Try again in %(minutes)d "
        "minute.",
        "Too many attempts in a short time: nothing was saved or sent. Try again in %(minutes)d "
        "minutes.", minutes) % {"minutes": minutes})
    return True
