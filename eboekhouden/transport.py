"""What the SOAP and the REST transport share about HTTP: when a broken request can have
reached the service, and which links from the service may be shown."""

from urllib.parse import urlsplit

import requests
import urllib3

from eboekhouden.client import TransientError


def never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the TCP connection was never made (nothing can have been applied)."""
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError
    )


def network_error(exc: requests.exceptions.RequestException, *, sent: bool) -> TransientError:
    """A failed HTTP exchange as a TransientError; ``sent``: the request may have changed
    something on the service's side if it arrived (then a read timeout or a dropped connection
    is ambiguous; a connection never made is not)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransientError(TransientError.UNREACHABLE, "connect timeout")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransientError(TransientError.TIMEOUT, "read timeout", ambiguous=sent)
    if isinstance(exc, requests.exceptions.ConnectionError):
        if never_connected(exc):
            return TransientError(TransientError.UNREACHABLE, type(exc).__name__)
        return TransientError(TransientError.DROPPED, type(exc).__name__, ambiguous=sent)
    return TransientError(TransientError.UNREACHABLE, type(exc).__name__, ambiguous=sent)


def web_address(url: str) -> str:
    """A link the pages may show: http(s) only, never a javascript: or data: address."""
    return url if urlsplit(url).scheme in ("http", "https") else ""
