"""Which webhook URLs we may call: no server-side request forgery into our own network.

A URL is checked when it is saved and again, host name resolved afresh, right before every
send; the send then connects to exactly the address that was checked (webhooks.transport), so
a name that resolves to a public address at the check and to a private one a moment later
gets nowhere. In production (WEBHOOKS_ALLOW_PRIVATE_ADDRESSES off) private, loopback,
link-local, shared, multicast, reserved and unspecified addresses are refused, and only https
is accepted (WEBHOOKS_REQUIRE_HTTPS); tests and ``make run`` may call a loopback receiver."""

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeAddress(Exception):
    """The URL may not be called; the message says why, for the user."""


def split(url: str) -> SplitResult:
    """The URL's parts, or UnsafeAddress when it is not an http(s) URL we can call."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a port that is no number)
    except ValueError:
        raise UnsafeAddress(_("Enter a valid URL.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress(_("Enter a URL that starts with https://."))
    if settings.WEBHOOKS_REQUIRE_HTTPS and parts.scheme != "https":
        raise UnsafeAddress(_("Only https:// addresses can receive webhooks."))
    if parts.username or parts.password:
        raise UnsafeAddress(_("A webhook URL cannot hold a user name or password."))
    return parts


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (an address literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise UnsafeAddress(_("The host name %(host)s cannot be found.") % {"host": host}) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def allowed_addresses(url: str) -> tuple[SplitResult, list[str]]:
    """The URL's parts and the addresses it may be called at; UnsafeAddress if none or any
    of them is not public (unless private addresses are allowed here)."""
    parts = split(url)
    addresses = resolve(parts.hostname, default_port(parts))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and not all(map(is_public, addresses)):
        raise UnsafeAddress(_("This address is in a private or local network; webhooks go "
                              "only to addresses on the public internet."))
    return parts, addresses


def check(url: str) -> None:
    allowed_addresses(url)
