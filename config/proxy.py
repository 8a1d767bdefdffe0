"""The client's address behind the reverse proxies we trust (settings.TRUSTED_PROXY_COUNT).

Each proxy appends the address it received the request from to X-Forwarded-For; whatever a
client put there itself stands to the left. So the client is the entry TRUSTED_PROXY_COUNT
places from the right; with no trusted proxy (or a header too short to hold that entry)
REMOTE_ADDR is all we know."""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-count] if len(hops) >= count else remote
