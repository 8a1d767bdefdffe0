"""Keep secrets out of logs and error reports, whatever a library decides to print."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

_SECRET_TAGS = re.compile(
    r"(<(?:[\w-]+:)?(SecurityCode1|SecurityCode2|SessionID|AdministratieGUID)\b[^>]*>)"
    r"[^<]*(</(?:[\w-]+:)?\2>)",
    re.IGNORECASE,
)
_SECRET_PAIRS = re.compile(
    r"(\b(?:security_?code_?[12]|securitycode[12]|password|session_?id)\b['\"]?\s*[:=]\s*['\"]?)"
    r"[^'\",\s}]+",
    re.IGNORECASE,
)
# The secret part of one of our API tokens (api/models.py); the public prefix stays.
_API_TOKEN = re.compile(r"\b(fct_[0-9a-f]{8})_[A-Za-z0-9_-]+")
MASK = "********"


def redact(text: str) -> str:
    text = _SECRET_TAGS.sub(rf"\1{MASK}\3", text)
    text = _API_TOKEN.sub(rf"\1_{MASK}", text)
    return _SECRET_PAIRS.sub(rf"\1{MASK}", text)


class RedactSecretsFilter(logging.Filter):
    """Rewrites each record's message with SOAP security elements and key=value secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class SecretsExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, always on (Django's own stands down under DEBUG, and ``make run``
    runs with DEBUG), which also masks any frame variable that holds a value posted in a
    field marked sensitive (a code copied into a local or a dict is still the code)."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|AUTHORIZATION|CREDENTIAL|SECURITY_CODE",
        flags=re.IGNORECASE,
    )

    def is_active(self, request) -> bool:
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        posted = _posted_secrets(request)
        if not posted:
            return variables
        return [(name, self.cleansed_substitute if _holds(value, posted) else value)
                for name, value in variables]


def _posted_secrets(request) -> list[str]:
    """The values of the POST fields the view marked sensitive (all fields: "__ALL__")."""
    names = getattr(request, "sensitive_post_parameters", None) if request else None
    if not names or request.method != "POST":
        return []
    fields = request.POST.keys() if names == "__ALL__" else names
    return [value for name in fields for value in request.POST.getlist(name) if len(value) >= 4]


def _holds(value, secrets: list[str], depth: int = 0) -> bool:
    """Whether ``value`` is, or (in a dict, list, tuple or set, two levels deep) contains, a
    string that includes one of ``secrets``."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    if isinstance(value, str):
        return any(secret in value for secret in secrets)
    if depth < 2 and isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if depth < 2 and isinstance(value, list | tuple | set | frozenset):
        return any(_holds(item, secrets, depth + 1) for item in value)
    return False
