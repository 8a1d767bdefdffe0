"""Period dates (computed from the start, month-end safe, every frequency, end date and
count) and the period placeholders in Dutch and English."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recurring.periods import (
    Frequency,
    fill,
    period_date,
    placeholder_problems,
    within_schedule,
)

D = datetime.date


def dates(start, frequency, n=5):
    return [period_date(start, frequency, i) for i in range(n)]


def test_monthly_from_the_31st_keeps_to_month_ends_computed_from_the_start():
    assert dates(D(2026, 1, 31), "monthly") == [
        D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31)]
    assert period_date(D(2028, 1, 31), "monthly", 1) == D(2028, 2, 29)  # leap year


@pytest.mark.parametrize(("frequency", "expected"), [
    ("weekly", [D(2026, 1, 30), D(2026, 2, 6), D(2026, 2, 13)]),
    ("2weeks", [D(2026, 1, 30), D(2026, 2, 13), D(2026, 2, 27)]),
    ("4weeks", [D(2026, 1, 30), D(2026, 2, 27), D(2026, 3, 27)]),
    ("monthly", [D(2026, 1, 30), D(2026, 2, 28), D(2026, 3, 30)]),
    ("2months", [D(2026, 1, 30), D(2026, 3, 30), D(2026, 5, 30)]),
    ("quarterly", [D(2026, 1, 30), D(2026, 4, 30), D(2026, 7, 30)]),
    ("halfyearly", [D(2026, 1, 30), D(2026, 7, 30), D(2027, 1, 30)]),
    ("yearly", [D(2026, 1, 30), D(2027, 1, 30), D(2028, 1, 30)]),
])
def test_every_frequency(frequency, expected):
    assert dates(D(2026, 1, 30), frequency, 3) == expected


def test_yearly_from_leap_day():
    assert dates(D(2028, 2, 29), "yearly", 5)[1:] == [
        D(2029, 2, 28), D(2030, 2, 28), D(2031, 2, 28), D(2032, 2, 29)]


@settings(max_examples=40, deadline=None)
@given(start=st.dates(D(2000, 1, 1), D(2040, 12, 31)),
       frequency=st.sampled_from(list(Frequency)), index=st.integers(0, 100))
def test_periods_are_ascending_and_never_drift(start, frequency, index):
    date = period_date(start, frequency, index)
    assert date < period_date(start, frequency, index + 1)
    if frequency in ("monthly", "2months", "quarterly", "halfyearly", "yearly"):
        # Computed from the start: the day is the start's, or the month's last day.
        assert date.day == start.day or (date + datetime.timedelta(days=1)).day == 1


def test_end_date_and_count():
    assert within_schedule(index=2, date=D(2026, 3, 31), end_date=D(2026, 3, 31), count=None)
    assert not within_schedule(index=3, date=D(2026, 4, 30), end_date=D(2026, 3, 31),
                               count=None)
    assert within_schedule(index=2, date=D(2030, 1, 1), end_date=None, count=3)
    assert not within_schedule(index=3, date=D(2030, 1, 1), end_date=None, count=3)


def test_placeholders_in_dutch_and_english():
    march = D(2026, 3, 2)
    assert fill("Onderhoud {maand} {jaar}", march, "nl") == "Onderhoud maart 2026"
    assert fill("Onderhoud {maand} {jaar}", march, "en") == "Onderhoud March 2026"
    assert fill("Upkeep {month} {year}, Q{quarter}, week {week}", march, "en") == (
        "Upkeep March 2026, Q1, week 10")
    assert fill("Kwartaal {kwartaal} {jaar}", D(2026, 11, 1), "nl") == "Kwartaal 4 2026"
    assert fill("Prijs {{incl. btw}} {MAAND}", march, "nl") == "Prijs {incl. btw} maart"


def test_unknown_placeholders_and_lone_braces_are_problems():
    assert placeholder_problems("Onderhoud {maand} {{ok}}") == []
    [unknown] = placeholder_problems("Onderhoud {maan}")
    assert "{maan}" in unknown
    assert len(placeholder_problems("prijs } of { hier")) == 1
    assert placeholder_problems("") == []
