"""Ids and ``next`` from query strings and POST fields, parsed one way everywhere.

An id is a positive whole number in ASCII digits that fits PostgreSQL's bigint; anything else
(a word, "-1", "1.5", a number above 64 bits) is ``None``, so the view answers 404 or ignores
the filter instead of failing with a server error."""

from collections.abc import Iterable

from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from accounts.validators import has_control_characters

BIGINT_MAX = 2**63 - 1
_MAX_DIGITS = len(str(BIGINT_MAX))


def parse_id(value) -> int | None:
    """A positive id within bigint, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= BIGINT_MAX else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > _MAX_DIGITS:
        return None
    number = int(value)
    return number if 0 < number <= BIGINT_MAX else None


def parse_ids(values: Iterable) -> list[int]:
    """The valid ids of a list (a POST's ticked boxes), in order, each once."""
    ids = (parse_id(value) for value in values)
    return list(dict.fromkeys(i for i in ids if i is not None))


def local_next(value: str | None) -> str:
    """``next`` only as a path on this site ("" otherwise: a bare word, another site, a
    scheme, control characters)."""
    value = value or ""
    is_path = value.startswith("/") and not value.startswith(("//", "/\\"))
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return ""
    if is_path and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value
    return ""


def content_disposition(disposition: str, filename: str) -> str:
    """The Content-Disposition value for a download named after user data (an invoice number,
    a supplier's invoice number): control characters, quotes and slashes become "-", so a
    legacy number such as "2026\\r\\n1" still downloads; non-ASCII goes in filename*."""
    safe = "".join("-" if has_control_characters(char) or char in '"/\\' else char
                   for char in filename)
    return content_disposition_header(disposition == "attachment", safe)
