"""Error reporting to Sentry when SENTRY_DSN is set, with the same masking as the logs.

Nothing that could hold a code leaves the process: no local variables of stack frames, no
request bodies, no cookies or user data (``send_default_pii`` off), and every string of an
event or breadcrumb passes through :func:`config.logging.redact` before it is sent."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from config.logging import redact


def _scrubbed(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def before_send(event: dict, hint: dict) -> dict:
    return _scrubbed(event)


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    return _scrubbed(crumb)


def init_sentry(dsn: str, *, environment: str, transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn, environment=environment, transport=transport,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False, include_local_variables=False, max_request_body_size="never",
        before_send=before_send, before_breadcrumb=before_breadcrumb,
    )
