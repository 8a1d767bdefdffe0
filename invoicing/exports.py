"""Lists people export: one table (a header and rows of cells) as CSV or XLSX.

CSV is what a Dutch spreadsheet opens without a wizard: UTF-8 with a byte-order mark,
semicolons between fields, amounts with a decimal comma in Dutch (a point in English), dates
as YYYY-MM-DD. XLSX (openpyxl) keeps numbers as numbers and dates as dates, so sums work."""

import csv
import datetime
import io
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import get_language
from openpyxl import Workbook

from invoicing.money import format_number

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_ROWS = 100_000  # a bound, so a query without filters cannot exhaust the worker


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, places=2, max_places=4, grouping=False,
                             locale=get_language())
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(name) for name in header])
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    sheet.append([str(name) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value):
    if isinstance(value, datetime.datetime) and value.tzinfo:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    return str(value)


def tabular_response(fmt: str, filename: str, header: Sequence[str],
                     rows: Iterable[Sequence]) -> HttpResponse:
    """A download of ``rows`` (at most MAX_ROWS) as ``filename``.csv or .xlsx; ValueError for
    another format. Cells: str, Decimal, int, date/datetime or None."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    bounded = itertools.islice(rows, MAX_ROWS)
    content = (_csv_bytes(header, bounded) if fmt == "csv"
               else _xlsx_bytes(header, bounded, filename))
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
