"""Period arithmetic and period placeholders of recurring invoices, no database.

Period n of a template is dated ``start + n * step``, always computed from the start date and
never chained from the previous period: a monthly template from 31 January runs 28 (or 29)
February, 31 March, 30 April, 31 May (dateutil's relativedelta clips to the month's end).

Texts may name the period: ``{maand}``/``{month}`` (the month's name in the invoice's
language), ``{jaar}``/``{year}``, ``{kwartaal}``/``{quarter}`` (1 to 4) and ``{week}`` (the ISO
week number), all of the period's date. ``{{`` and ``}}`` write a literal brace."""

import datetime
import re

from babel.dates import format_date
from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    TWO_WEEKLY = "2weeks", _("Every two weeks")
    FOUR_WEEKLY = "4weeks", _("Every four weeks")
    MONTHLY = "monthly", _("Monthly")
    TWO_MONTHLY = "2months", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "halfyearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


STEPS = {
    Frequency.WEEKLY: relativedelta(weeks=1),
    Frequency.TWO_WEEKLY: relativedelta(weeks=2),
    Frequency.FOUR_WEEKLY: relativedelta(weeks=4),
    Frequency.MONTHLY: relativedelta(months=1),
    Frequency.TWO_MONTHLY: relativedelta(months=2),
    Frequency.QUARTERLY: relativedelta(months=3),
    Frequency.HALF_YEARLY: relativedelta(months=6),
    Frequency.YEARLY: relativedelta(years=1),
}


def period_date(start: datetime.date, frequency: str, index: int) -> datetime.date:
    """The date of period ``index`` (0 is the start date itself)."""
    return start + STEPS[Frequency(frequency)] * index


def within_schedule(*, index: int, date: datetime.date, end_date: datetime.date | None,
                    count: int | None) -> bool:
    """Whether period ``index`` (dated ``date``) is one of the schedule's periods."""
    if count is not None and index >= count:
        return False
    return end_date is None or date <= end_date


# Placeholder name -> what it stands for; Dutch and English names work in either language.
PLACEHOLDERS = {
    "maand": "month", "month": "month", "jaar": "year", "year": "year",
    "kwartaal": "quarter", "quarter": "quarter", "week": "week",
}
# A doubled brace (literal), a {placeholder}, or a lone brace (an error).
TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the placeholders in ``text`` (empty: fine), for the user."""
    problems = []
    for match in TOKEN.finditer(text or ""):
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        if name is None:
            problems.append(str(_(
                "A lone brace { or }: write {{ or }} for a brace in the text itself.")))
        elif name.strip().lower() not in PLACEHOLDERS:
            problems.append(str(_(
                "Unknown placeholder {%(name)s}: use {maand}, {jaar}, {kwartaal} or {week} "
                "(in English {month}, {year}, {quarter}, {week}).") % {"name": name}))
    return list(dict.fromkeys(problems))


def period_values(date: datetime.date, language: str) -> dict[str, str]:
    return {
        "month": format_date(date, "MMMM", locale=language or "nl"),
        "year": str(date.year),
        "quarter": str((date.month - 1) // 3 + 1),
        "week": str(date.isocalendar().week),
    }


def fill(text: str, date: datetime.date, language: str) -> str:
    """``text`` with its placeholders replaced by the period's values (checked text only)."""
    values = period_values(date, language)

    def replace(match: re.Match) -> str:
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        key = PLACEHOLDERS.get((name or "").strip().lower())
        return values[key] if key else token

    return TOKEN.sub(replace, text or "")
