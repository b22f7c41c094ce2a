"""The cost estimate of an arrangement: volume x tariff over the period, per month.

Rules (docs/arrangements.md):
- The period is split at month boundaries and at tariff changes into *pieces*; each
  piece uses the one tariff valid on its days.
- per week:  volume x tariff x days / 7
- per month: volume x tariff x days / days in that calendar month (a full month is
  volume x tariff)
- whole period: volume x tariff (of the start date), booked in the start month.
- Exact Decimal arithmetic per piece; each *month* is rounded to cents ROUND_HALF_UP
  (the pieces are shown rounded for information, so they can differ a cent from the
  month). The total is the sum of the rounded months, so the months always add up.
- A general provision (or an item without any tariff) costs nothing: empty schedule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .constants import Frequency
from .hooks import MonthAmount

CENT = Decimal("0.01")
SEVEN = Decimal(7)


@dataclass(frozen=True)
class Piece:
    """Part of one month at one tariff."""

    month: dt.date
    start: dt.date
    end: dt.date
    tariff: Decimal
    amount: Decimal  # rounded for display

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Estimate:
    pieces: tuple[Piece, ...]
    months: tuple[MonthAmount, ...]

    @property
    def total(self) -> Decimal:
        return sum((m.amount for m in self.months), Decimal("0.00"))


EMPTY = Estimate(pieces=(), months=())


class TariffLike(Protocol):
    @property
    def amount(self) -> Decimal: ...
    @property
    def valid_from(self) -> dt.date: ...
    @property
    def valid_until(self) -> dt.date | None: ...


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def estimate(
    *,
    volume: Decimal,
    frequency: str,
    start: dt.date,
    end: dt.date,
    tariffs: Iterable[TariffLike],
) -> Estimate:
    """The schedule for `volume` per `frequency` from `start` to `end` (inclusive).

    Raises ValidationError when a day of the period has no tariff.
    """
    ordered = sorted(tariffs, key=lambda t: t.valid_from)
    if not ordered:
        return EMPTY
    if frequency == Frequency.WHOLE_PERIOD:
        tariff = next((t for t in ordered if _covers(t, start)), None)
        if tariff is None:
            raise ValidationError(_("Op de startdatum geldt geen tarief voor deze voorziening."), code="no_tariff")
        amount = round_cents(volume * tariff.amount)
        month = _month_start(start)
        return Estimate(pieces=(Piece(month, start, end, tariff.amount, amount),), months=(MonthAmount(month, amount),))
    pieces: list[Piece] = []
    exact: dict[dt.date, Decimal] = {}
    day = start
    while day <= end:
        tariff = next((t for t in ordered if _covers(t, day)), None)
        if tariff is None:
            raise ValidationError(
                _("Op %(day)s geldt geen tarief voor deze voorziening.") % {"day": day.strftime("%d-%m-%Y")},
                code="no_tariff",
            )
        piece_end = min(end, _month_end(day), tariff.valid_until or end)
        days = Decimal((piece_end - day).days + 1)
        if frequency == Frequency.PER_WEEK:
            value = volume * tariff.amount * days / SEVEN
        else:  # per month: the share of this calendar month
            value = volume * tariff.amount * days / Decimal(calendar.monthrange(day.year, day.month)[1])
        month = _month_start(day)
        exact[month] = exact.get(month, Decimal(0)) + value
        pieces.append(Piece(month, day, piece_end, tariff.amount, round_cents(value)))
        day = piece_end + dt.timedelta(days=1)
    months = tuple(MonthAmount(m, round_cents(v)) for m, v in sorted(exact.items()))
    return Estimate(pieces=tuple(pieces), months=months)


def _covers(tariff: TariffLike, day: dt.date) -> bool:
    return tariff.valid_from <= day and (tariff.valid_until is None or day <= tariff.valid_until)


def year_totals(months: Iterable[MonthAmount]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for m in months:
        totals[m.month.year] = totals.get(m.month.year, Decimal("0.00")) + m.amount
    return totals
