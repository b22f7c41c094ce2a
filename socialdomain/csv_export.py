"""The one way to write CSV exports: cells that a spreadsheet would run as a formula are defused.

Every CSV export goes through `csv_response` (or `csv_rows` for streaming/files), so that
free text typed by a user or an inwoner can never become a formula in Excel or
LibreOffice (CSV/formula injection, OWASP). Never put BSNs in an export.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

# A cell starting with one of these is read as a formula (or, for tab and CR, can shift
# what a spreadsheet takes as the start of the cell).
DANGEROUS_FIRST_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")

# Dutch Excel uses ";" as its list separator; with "," it would show one column.
DELIMITER = ";"


def safe_cell(value: Any) -> str:
    """The cell text for `value`; text that starts like a formula gets a leading quote.

    Numbers are written as they are: a negative number is data, not a formula, and it
    cannot carry one. None becomes the empty string, dates ISO 8601.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(DANGEROUS_FIRST_CHARACTERS):
        return "'" + text
    return text


def csv_rows(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV lines (header first) with every cell passed through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in itertools.chain([header], rows):
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_response(*, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """An attachment download; UTF-8 with BOM so that Excel shows ë and é correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_safe_filename(filename)}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    for line in csv_rows(header, rows):
        response.write(line)
    return response


def _safe_filename(filename: str) -> str:
    cleaned = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.csv"
    return cleaned if cleaned.endswith(".csv") else f"{cleaned}.csv"


def xlsx_response(
    *, filename: str, sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]
) -> HttpResponse:
    """An XLSX attachment (openpyxl) with one sheet per (title, header, rows).

    Text cells go through `safe_cell`, so a cell that would run as a formula gets a leading
    quote exactly as in the CSV; numbers stay numbers (Decimal → float for the spreadsheet).
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in header])
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = "".join(c for c in filename if c.isalnum() or c in "-_.") or "export.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name if name.endswith(".xlsx") else name + ".xlsx"}"'
    response["Cache-Control"] = "no-store"
    return response


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return safe_cell(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | datetime | date):
        return value
    return safe_cell(value)
