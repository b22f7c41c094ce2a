"""The cost estimate, hand-computed (docs/arrangements.md: per month ROUND_HALF_UP to cents)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from arrangements import cost
from arrangements.constants import Frequency
from arrangements.models import Tariff

D = Decimal


def tariffs(*rows):  # type: ignore[no-untyped-def]
    return [Tariff(amount=D(a), valid_from=f, valid_until=u) for a, f, u in rows]


def test_per_week_with_a_tariff_change_mid_period_splits_per_month_and_tariff():
    # 3 hours a week, 20 Jan - 10 Mar 2027; €60 until 14 Feb, €66 from 15 Feb.
    result = cost.estimate(
        volume=D("3"),
        frequency=Frequency.PER_WEEK,
        start=dt.date(2027, 1, 20),
        end=dt.date(2027, 3, 10),
        tariffs=tariffs(("60.00", dt.date(2026, 1, 1), dt.date(2027, 2, 14)), ("66.00", dt.date(2027, 2, 15), None)),
    )
    months = {m.month: m.amount for m in result.months}
    assert months == {
        dt.date(2027, 1, 1): D("308.57"),  # 12 days x 3 x 60 / 7 = 308.5714…
        dt.date(2027, 2, 1): D("756.00"),  # 14 x 3 x 60 / 7 = 360 + 14 x 3 x 66 / 7 = 396
        dt.date(2027, 3, 1): D("282.86"),  # 10 x 3 x 66 / 7 = 282.857…
    }
    assert result.total == D("1347.43")
    assert [(p.start, p.end, p.tariff) for p in result.pieces if p.month == dt.date(2027, 2, 1)] == [
        (dt.date(2027, 2, 1), dt.date(2027, 2, 14), D("60.00")),
        (dt.date(2027, 2, 15), dt.date(2027, 2, 28), D("66.00")),
    ]
    assert all(isinstance(m.amount, Decimal) for m in result.months)


def test_per_month_prorates_partial_months_by_calendar_days():
    result = cost.estimate(
        volume=D("10"),
        frequency=Frequency.PER_MONTH,
        start=dt.date(2027, 1, 17),
        end=dt.date(2027, 2, 28),
        tariffs=tariffs(("50.00", dt.date(2026, 1, 1), None)),
    )
    assert [m.amount for m in result.months] == [D("241.94"), D("500.00")]  # 15/31 x 500 = 241.935…


def test_months_round_half_up_to_cents():
    # 15 of April's 30 days x 1 x 1.05 = 0.525 → 0.53 (banker's rounding would give 0.52)
    result = cost.estimate(
        volume=D("1"),
        frequency=Frequency.PER_MONTH,
        start=dt.date(2027, 4, 16),
        end=dt.date(2027, 4, 30),
        tariffs=tariffs(("1.05", dt.date(2026, 1, 1), None)),
    )
    assert result.total == D("0.53")


def test_whole_period_is_booked_in_the_start_month():
    result = cost.estimate(
        volume=D("1"),
        frequency=Frequency.WHOLE_PERIOD,
        start=dt.date(2027, 5, 3),
        end=dt.date(2027, 8, 1),
        tariffs=tariffs(("2450.00", dt.date(2026, 1, 1), None)),
    )
    assert [(m.month, m.amount) for m in result.months] == [(dt.date(2027, 5, 1), D("2450.00"))]


def test_a_day_without_tariff_is_refused():
    with pytest.raises(ValidationError):
        cost.estimate(
            volume=D("1"),
            frequency=Frequency.PER_WEEK,
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 3, 1),
            tariffs=tariffs(("60.00", dt.date(2027, 2, 1), None)),
        )
