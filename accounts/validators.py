import re
import string
import unicodedata

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_ALLOWED_FIELDS = {"year", "seq"}
_LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


# Line and paragraph separators are category Zl/Zp, not Cc, but break a line all the same.
_LINE_BREAKING = {"\u2028", "\u2029"}


def has_control_characters(value: str) -> bool:
    """Any control character (Unicode category Cc: \\x00-\\x1f, \\x7f-\\x9f, with tab, CR and
    LF) or a line/paragraph separator."""
    return any(unicodedata.category(char) == "Cc" or char in _LINE_BREAKING for char in value)


def validate_single_line(value) -> None:
    """A single-line field: no line breaks, tabs or other control characters. They would end
    up in e-mail headers, file names and the PDF (a number "2026\\r\\n1" broke its download)."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Use a single line without tabs, line breaks or other control characters."),
            code="control_characters",
        )


def validate_invoice_number_format(value: str) -> None:
    """The format must contain {seq}, may contain {year}, and must render without error."""
    validate_single_line(value)
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValidationError(_("The format has unbalanced braces.")) from exc
    fields = {name for _t, name, _s, _c in parsed if name is not None}
    if any(_too_wide(spec) for _t, _n, spec, _c in parsed):
        # Checked before rendering: "{seq:>9999999999}" would allocate gigabytes.
        raise ValidationError(_("Invoice numbers may be at most 30 characters long."))
    if "seq" not in fields:
        raise ValidationError(_("The format must contain {seq}."))
    if fields - _ALLOWED_FIELDS:
        raise ValidationError(_("Only {year} and {seq} may be used in the format."))
    try:
        longest = value.format(year=2026, seq=999999)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(_("The format cannot be used: %(error)s") % {"error": exc}) from exc
    if len(longest) > 30:
        raise ValidationError(_("Invoice numbers may be at most 30 characters long."))


def _too_wide(spec: str | None) -> bool:
    """A width or precision over 99, or one taken from a nested field, never fits 30."""
    return bool(spec) and ("{" in spec or any(int(n) > 99 for n in re.findall(r"\d+", spec)))


def validate_logo(upload) -> None:
    """Accept only real PNG, JPEG, GIF or WebP images up to LOGO_MAX_BYTES."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > settings.LOGO_MAX_BYTES:
        limit = settings.LOGO_MAX_BYTES // (1024 * 1024)
        raise ValidationError(_("The logo may be at most %(mb)s MB.") % {"mb": limit})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, pixels = image.format, image.width * image.height
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image.")) from exc
    finally:
        upload.seek(0)
    if kind not in _LOGO_TYPES:
        raise ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image."))
    if pixels > settings.LOGO_MAX_PIXELS:
        raise ValidationError(too_many_pixels(settings.LOGO_MAX_PIXELS))


def too_many_pixels(limit: int) -> str:
    return _("The image is too large: at most %(megapixels)s million pixels (for example "
             "%(side)s by %(side)s).") % {"megapixels": limit // 1_000_000,
                                          "side": int(limit ** 0.5)}


def image_pixels(upload) -> int:
    """Width x height from an image file's header (nothing is decoded); 0 if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            return image.width * image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return 0
    finally:
        upload.seek(0)


def logo_content_type(kind: str | None) -> str:
    return _LOGO_TYPES.get(kind or "", "application/octet-stream")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 words this message with "%d", a msgid its Dutch catalogue does not have yet
    (it still translates the earlier "%(min_length)d" wording), so Dutch sign-ups read it in
    English. Same rule, the translated wording."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
