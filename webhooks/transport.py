"""One POST to a webhook receiver: short timeouts, no redirects followed, the answer read up
to a small cap, and the connection made to the very address webhooks.addresses approved
(TLS still checks the certificate against the host name)."""

from dataclasses import dataclass
from urllib.parse import SplitResult

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from webhooks import addresses


@dataclass(frozen=True)
class Answer:
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    unreachable: bool = False  # no connection at all: the next address may take it

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(parts: SplitResult, address: str) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=settings.WEBHOOKS_CONNECT_TIMEOUT,
                              read=settings.WEBHOOKS_READ_TIMEOUT)
    port = addresses.default_port(parts)
    if parts.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, port, timeout=timeout, retries=False, maxsize=1,
            cert_reqs="CERT_REQUIRED", server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)


def _host_header(parts: SplitResult) -> str:
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return host if parts.port is None else f"{host}:{parts.port}"


def _target(parts: SplitResult) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _read(response) -> str:
    """The start of the answer, never more than the cap (a huge body is not read)."""
    data = response.read(settings.WEBHOOKS_RESPONSE_READ_BYTES, decode_content=False)
    response.close()
    text = data.decode("utf-8", errors="replace")
    return " ".join(text.split())[:300]


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST to the first of the approved addresses that takes a connection."""
    try:
        parts, allowed = addresses.allowed_addresses(url)
    except addresses.UnsafeAddress as refused:
        return Answer(error=str(refused))
    answer = Answer()
    for address in allowed:
        answer = _post_to(parts, address, body, headers)
        if not answer.unreachable:
            break
    return answer


def _post_to(parts: SplitResult, address: str, body: bytes, headers: dict[str, str]) -> Answer:
    pool = _pool(parts, address)
    try:
        response = pool.urlopen(
            "POST", _target(parts), body=body, headers={**headers, "Host": _host_header(parts)},
            redirect=False, retries=False, preload_content=False, assert_same_host=False,
        )
        return Answer(status_code=response.status, excerpt=_read(response))
    except urllib3.exceptions.NewConnectionError as error:
        return Answer(error=_describe(error), unreachable=True)
    except urllib3.exceptions.HTTPError as error:
        return Answer(error=_describe(error))
    finally:
        pool.close()


def _describe(error: Exception) -> str:
    # NewConnectionError is a ConnectTimeoutError too (urllib3 keeps it so): ask it first.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return _("The connection was refused or could not be made.")
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return _("No answer in time.")
    if isinstance(error, urllib3.exceptions.SSLError):
        return _("The secure connection failed (certificate or TLS).")
    return _("The connection failed: %(error)s") % {"error": type(error).__name__}
