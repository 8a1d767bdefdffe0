"""Hostile form values and the checks every fuzzed POST shares.

Each example runs in its own savepoint that is rolled back afterwards (`rolled_back`), so
examples do not see each other's rows and a failing example cannot poison the next one; the
rows are compared inside the example, before and after the request.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

# Function-scoped fixtures (client, organization) are shared by the examples on purpose: each
# example rolls its own writes back.
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
# Forms with a line formset have many more fields to break: more examples.
FUZZ_LINES = settings(FUZZ, max_examples=60)

MISSING = object()  # the field is left out of the POST

ODD_STRINGS = [
    "", " ", "\x00", "a\x00b", "\t\n", "\u202e", "\ufeff", "𝕏𝔶", "ü" * 3, "' OR 1=1 --",
    "<script>alert(1)</script>", "{{ 7*7 }}", "%s%n", "../../etc/passwd", "x" * 5000,
]
ODD_NUMBERS = [
    "1e999", "-1e999", "1E-999", "NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf",
    "-1", "-0", "0", "0.001", "1,5", "1.000,50", "1,000.50", "0x1A", "١٢٣", "9" * 30,
    "-" + "9" * 30, "0." + "1" * 40, "1_000", " 12 ", "+5", "--1", ".",
    "999999999.999", "9999999999.9999", "999999999999.99", "99999999999999.99", "99.995",
]
ODD_DATES = [
    "0001-01-01", "1900-01-01", "1999-12-31", "2026-02-30", "2026-13-01", "9999-12-31",
    "10000-01-01", "2026-03-02", "02-03-2026", "2026/03/02", "2026-03-02T25:00", "today",
]

# Odd text without surrogates (they cannot be encoded as UTF-8 into a POST body).
random_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
with_nul = st.builds(lambda head, tail: f"{head}\x00{tail}", random_text, random_text)
hostile_text = st.one_of(st.sampled_from(ODD_STRINGS), random_text, with_nul,
                         st.text(alphabet=string.printable, min_size=250, max_size=2100))
hostile_number = st.one_of(
    st.sampled_from(ODD_NUMBERS), st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr), st.sampled_from(ODD_STRINGS),
)
hostile_date = st.one_of(st.sampled_from(ODD_DATES), st.dates().map(str),
                         st.sampled_from(ODD_STRINGS))
hostile_choice = st.one_of(st.sampled_from(["", "x", "-1", "0", "999999", "21.0", "NL "]),
                           st.sampled_from(ODD_STRINGS), random_text)
hostile_count = st.sampled_from(["", "-1", "0", "1", "2", "3", "501", "1000000", "abc",
                                 "1e3", "\x00", "2.5"])


# Plausible values, so that many examples pass validation and reach the save.
plain_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                     max_size=40).filter(str.strip)
amount = st.decimals(min_value=0, max_value=10**6, places=2).map(str)
comma_amount = amount.map(lambda value: value.replace(".", ","))


def field(valid, hostile: st.SearchStrategy) -> tuple[st.SearchStrategy, st.SearchStrategy]:
    """A field's plausible value (a constant, a list to pick from, or a strategy) and its
    hostile values."""
    if isinstance(valid, list):
        valid = st.sampled_from(valid)
    return (valid if isinstance(valid, st.SearchStrategy) else st.just(valid)), hostile


def text(valid=plain_text):
    return field(valid, hostile_text)


def number(valid):
    return field(valid, hostile_number)


def date(valid):
    return field(valid, hostile_date)


def choice(valid):
    return field(valid, hostile_choice)


def count(valid):
    """A formset management count."""
    return field(valid, hostile_count)


# The largest values a sales line accepts: their product overflows the money columns.
MAX_QUANTITY, MAX_PRICE = st.just("999999999,999"), st.just("9999999999.9999")
# What a sales invoice line and a work order line share.
LINE = {
    "description": text(),
    "quantity": number(comma_amount | comma_amount | MAX_QUANTITY),
    "unit": text("uur"),
    "unit_price": number(amount | amount | MAX_PRICE),
    "vat_rate": choice(["21", "9"]),
    "product": choice(""),
}


def form_data(fields: dict[str, tuple], max_broken: int = 3) -> st.SearchStrategy:
    """A POST dict: every field plausible, then (about half the time) one to `max_broken`
    fields made hostile or left out."""

    @st.composite
    def build(draw) -> dict[str, str]:
        data = {name: draw(valid) for name, (valid, _hostile) in fields.items()}
        if draw(st.booleans()):
            return data
        broken = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1,
                               max_size=max_broken, unique=True))
        for name in broken:
            value = draw(st.one_of(fields[name][1], st.just(MISSING)))
            if value is MISSING:
                del data[name]
            else:
                data[name] = value
        return data

    return build()


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint and undo its writes."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def rows(*models) -> dict[str, list[dict]]:
    """Every row of `models`, field by field (few: each example starts from the fixtures)."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code
    assert response.status_code in (200, 302), response.status_code
    event(f"HTTP {response.status_code}")


def assert_unchanged_on_error(response, before: dict, *models) -> bool:
    """No 5xx; an answer that is not a redirect changed none of `models`' rows. True when it
    redirected."""
    assert_no_server_error(response)
    if response.status_code == 302:
        return True
    assert rows(*models) == before
    return False


def post_checked(client, url: str, post: dict, models: tuple, check_saved) -> None:
    """POST in a savepoint that is rolled back afterwards: no 5xx, a refusal changes none of
    `models`' rows, and after a redirect `check_saved(before)` checks what was saved."""
    with rolled_back():
        before = rows(*models)
        if assert_unchanged_on_error(client.post(url, post), before, *models):
            check_saved(before)


def with_lines(draw, fields: dict, line: dict, most: int = 3) -> dict:
    """A POST of `fields` plus a `lines` formset of up to `most` `line`s and its counts."""
    lines = draw(st.integers(0, most))
    fields = {**fields, "lines-TOTAL_FORMS": count(str(lines)),
              "lines-INITIAL_FORMS": count("0")}
    for index in range(lines):
        fields.update({f"lines-{index}-{name}": value for name, value in line.items()})
    return draw(form_data(fields))


def assert_money(*values) -> None:
    """Money stays Decimal with exactly two places."""
    for value in values:
        assert isinstance(value, Decimal), value
        assert value.as_tuple().exponent == -2, value


def post_model_form(client, url: str, post: dict, form, instance=None, files=()) -> None:
    """POST `post` to a view of a ModelForm. `form` is that form bound to the same data (the
    reference for what a save must hold). No 5xx; a refusal changes no row; a redirect saved
    exactly the form's cleaned values (`files` names the upload fields, not compared here)."""
    model = form._meta.model

    def check_saved(before) -> None:
        assert form.is_valid(), form.errors
        if instance is None:
            assert len(rows(model)[model.__name__]) == len(before[model.__name__]) + 1
        saved = model.objects.get(pk=instance.pk) if instance else model.objects.latest("pk")
        for name, value in form.cleaned_data.items():
            if name not in files:  # an empty upload leaves the stored file alone
                assert getattr(saved, name) == value, name

    post_checked(client, url, post, (model,), check_saved)
