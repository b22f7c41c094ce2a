"""Quarters: the periods of the quarterly reports (calendar quarters, local dates)."""

from __future__ import annotations

import datetime as dt


def quarter_start(day: dt.date) -> dt.date:
    """The first day of the quarter that holds `day`."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: dt.date) -> dt.date:
    """The last day of the quarter that starts on `start`."""
    month = start.month + 3
    year = start.year + (month > 12)
    month = month - 12 if month > 12 else month
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def previous_quarter_start(today: dt.date) -> dt.date:
    """The first day of the last quarter that has fully passed on `today`."""
    return quarter_start(quarter_start(today) - dt.timedelta(days=1))


def is_quarter_start(day: dt.date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def quarter_label(start: dt.date) -> str:
    """ "2026 K3" for the quarter that starts on 1 July 2026."""
    return f"{start.year} K{(start.month - 1) // 3 + 1}"
