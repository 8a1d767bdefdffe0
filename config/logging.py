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
MASK = "********"


def redact(text: str) -> str:
    text = _SECRET_TAGS.sub(rf"\1{MASK}\3", text)
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
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CREDENTIAL|SECURITY_CODE",
        flags=re.IGNORECASE,
    )
