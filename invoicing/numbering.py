"""Gap-free numbers from a counter row per organization (and year, with a yearly reset).

``next_number`` must run inside the transaction that uses the number: the counter row is
locked with SELECT ... FOR UPDATE, so a concurrent finalize waits until this one commits or
rolls back (and a rollback returns the number). That is what makes the series gap-free."""

import datetime

from django.db import transaction

from accounts.models import Organization
from accounts.validators import validate_invoice_number_format
from invoicing.models import NumberCounter, SalesInvoice


def _locked_counter(*, organization: Organization, series: str, year: int) -> NumberCounter:
    # INSERT ... ON CONFLICT DO NOTHING, then lock: no race between two first-ever numbers.
    NumberCounter.objects.bulk_create(
        [NumberCounter(organization=organization, series=series, year=year)],
        ignore_conflicts=True,
    )
    return NumberCounter.objects.select_for_update().get(
        organization=organization, series=series, year=year
    )


def invoice_series_year(*, organization: Organization, issue_date: datetime.date) -> int:
    return issue_date.year if organization.invoice_number_yearly_reset else 0


# Formats a person recognises from their example; anything else is the "own format" choice.
PRESET_FORMATS = ("{year}-{seq:04}", "F{year}-{seq:03}", "{year}{seq:03}", "{year}.{seq:04}",
                  "{seq:05}")


def format_examples(*, year: int) -> list[tuple[str, str]]:
    """Each preset with the year's first number it gives: ("{year}-{seq:04}", "2026-0001")."""
    return [(preset, preset.format(year=year, seq=1)) for preset in PRESET_FORMATS]


@transaction.atomic
def set_numbering(*, organization: Organization, year: int, next_value: int,
                  number_format: str) -> None:
    """The next sequence number and the format; numbers already given keep their form.
    ValueError when the sequence is below a number in use (nothing is changed then)."""
    validate_invoice_number_format(number_format)
    set_next_invoice_sequence(organization=organization, year=year, value=next_value)
    organization.invoice_number_format = number_format
    organization.save(update_fields=["invoice_number_format"])


def format_invoice_number(*, organization: Organization, year: int, sequence: int) -> str:
    return organization.invoice_number_format.format(year=year, seq=sequence)


def next_invoice_number(
    *, organization: Organization, issue_date: datetime.date
) -> tuple[str, int, int]:
    """(number, series year, sequence) for an invoice being finalized now."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are assigned only inside the finalize transaction")
    year = invoice_series_year(organization=organization, issue_date=issue_date)
    counter = _locked_counter(organization=organization, series="invoice", year=year)
    sequence = counter.next_value
    counter.next_value = sequence + 1
    counter.save(update_fields=["next_value"])
    number = format_invoice_number(
        organization=organization, year=issue_date.year, sequence=sequence
    )
    return number, year, sequence


def next_relation_code(*, organization: Organization, series: str, prefix: str) -> str:
    """D0001, C0001, ...: stable relation codes (at most 15 characters)."""
    counter = _locked_counter(organization=organization, series=series, year=0)
    value = counter.next_value
    counter.next_value = value + 1
    counter.save(update_fields=["next_value"])
    return f"{prefix}{value:04d}"


def reserve_relation_code(*, organization: Organization, series: str, prefix: str,
                          code: str) -> None:
    """A relation code that came from elsewhere (an import): move the counter past it, so
    ``next_relation_code`` never hands it out again."""
    digits = code[len(prefix):] if code.startswith(prefix) else ""
    if not digits.isdecimal():
        return
    counter = _locked_counter(organization=organization, series=series, year=0)
    if counter.next_value <= int(digits):
        counter.next_value = int(digits) + 1
        counter.save(update_fields=["next_value"])


def peek_next_invoice_sequence(*, organization: Organization, year: int) -> int:
    counter = NumberCounter.objects.filter(
        organization=organization, series="invoice", year=year
    ).first()
    return counter.next_value if counter else 1


def highest_used_sequence(*, organization: Organization, year: int) -> int:
    last = (
        SalesInvoice.objects.filter(organization=organization, number_year=year)
        .exclude(number="")
        .order_by("-number_sequence")
        .values_list("number_sequence", flat=True)
        .first()
    )
    return last or 0


@transaction.atomic
def set_next_invoice_sequence(*, organization: Organization, year: int, value: int) -> None:
    """Set the next number of a series (e.g. when moving over from another program).
    Never below a number already used, or the unique constraint would be hit later."""
    counter = _locked_counter(organization=organization, series="invoice", year=year)
    if value <= highest_used_sequence(organization=organization, year=year):
        raise ValueError("below a number already in use")
    counter.next_value = value
    counter.save(update_fields=["next_value"])
