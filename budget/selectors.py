"""Reads of the single budget, all from the rollup: their cost does not grow with the
number of arrangements or declaration lines (bench/budget.py measures it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import User
from arrangements.constants import Law, Unit
from arrangements.models import Tariff

from .constants import RUN_RATE_MONTHS
from .models import Budget, BudgetLine, InflowRollup, MonthlyRollup, TeamCeiling, UnitCostRollup

ZERO = Decimal("0.00")
_MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


def _cents(value: Decimal) -> Decimal:
    """Sums to the cent (SQLite, the demo's database, sums decimals as floating point)."""
    return Decimal(value).quantize(Decimal("0.01"))


def _sum(expr):  # type: ignore[no-untyped-def]
    return Coalesce(Sum(expr), Value(ZERO), output_field=_MONEY)


# What a rollup cell still has to spend: the committed amount not yet realised, never
# negative (a month realised above its commitment counts as realised, not as room).
_REMAINING = Greatest(F("committed") - F("realised"), Value(ZERO), output_field=_MONEY)


@dataclass(frozen=True)
class Position:
    """Money of one line (or team, provider, law, or the total) in one budget year."""

    key: str
    label: str
    budget: Decimal  # begroot + herschikt
    committed: Decimal
    realised: Decimal
    remaining: Decimal  # committed, not yet realised
    income: Decimal
    forecast: Decimal
    line: BudgetLine | None = None

    @property
    def available(self) -> Decimal:
        return self.budget - self.realised - self.remaining

    @property
    def forecast_pct(self) -> int | None:
        if self.budget <= 0:
            return None if self.forecast <= 0 else 999
        return int((self.forecast / self.budget * 100).to_integral_value())


def budget_list_for_user(*, user: User):  # type: ignore[no-untyped-def]
    """The budgets a controller may see: those of their own municipality only (staff keep
    budgets in the admin; casework roles have no dashboard)."""
    municipality_ids = user.memberships.filter(role="controller").values("team__municipality_id")
    return Budget.objects.filter(municipality_id__in=municipality_ids).select_related("municipality")


def budget_get_for_user(*, user: User, uuid: object) -> Budget:
    return budget_list_for_user(user=user).get(uuid=uuid)


def months_left(*, budget: Budget, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if budget.year < today.year:
        return 0
    if budget.year > today.year:
        return 12
    return 12 - today.month


def run_rates(*, budget: Budget, today: dt.date | None = None) -> dict[int, Decimal]:
    """Average new commitments per line over the last RUN_RATE_MONTHS full months."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    start = this_month
    for _i in range(RUN_RATE_MONTHS):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    rows = (
        InflowRollup.objects.filter(line__budget=budget, booked_month__gte=start, booked_month__lt=this_month)
        .values("line_id")
        .annotate(total=Sum("amount"))
    )
    return {r["line_id"]: (r["total"] / RUN_RATE_MONTHS).quantize(Decimal("0.01")) for r in rows}


def line_positions(
    *, budget: Budget, today: dt.date | None = None, team_id: int | None = None, provider_id: int | None = None
) -> list[Position]:
    """Per line: budget, committed, realised, remaining, forecast to year end. Two queries.

    With a team or provider filter the money columns are that team's or provider's part of
    the line; the forecast then has no run-rate term (new inflow is not known per team or
    provider in advance), so it is realised + still committed.
    """
    cell = Q()
    if team_id:
        cell &= Q(rollups__team_id=team_id)
    if provider_id:
        cell &= Q(rollups__provider_id=provider_id)

    def total(expr: Any) -> Coalesce:
        return Coalesce(Sum(expr, filter=cell), Value(ZERO), output_field=_MONEY)

    lines = BudgetLine.objects.filter(budget=budget).annotate(
        committed=total("rollups__committed"),
        realised=total("rollups__realised"),
        income=total("rollups__income"),
        reallocated=_sum("rollups__reallocated"),
        remaining=total(Greatest(F("rollups__committed") - F("rollups__realised"), Value(ZERO), output_field=_MONEY)),
    )
    filtered = bool(team_id or provider_id)
    rates = {} if filtered else run_rates(budget=budget, today=today)
    left = months_left(budget=budget, today=today)
    positions = []
    for line in lines:
        forecast = _cents(line.realised + line.remaining + rates.get(line.pk, ZERO) * left)
        positions.append(
            Position(
                key=str(line.uuid),
                label=str(line),
                budget=_cents(line.amount + line.reallocated),
                committed=_cents(line.committed),
                realised=_cents(line.realised),
                remaining=_cents(line.remaining),
                income=_cents(line.income),
                forecast=forecast,
                line=line,
            )
        )
    return positions


def positions_by(
    *, budget: Budget, by: str, law: str | None = None, team_id: int | None = None, provider_id: int | None = None
) -> list[dict]:
    """Committed / realised / remaining grouped by "team", "provider", "law" or "month"."""
    field = {"team": "team__name", "provider": "provider__name", "law": "line__law", "month": "month"}[by]
    filters = Q(line__budget=budget)
    if law:
        filters &= Q(line__law=law)
    if team_id:
        filters &= Q(team_id=team_id)
    if provider_id:
        filters &= Q(provider_id=provider_id)
    return list(
        MonthlyRollup.objects.filter(filters)
        .values(field)
        .annotate(remaining_sum=_sum(_REMAINING), committed_sum=_sum("committed"), realised_sum=_sum("realised"))
        .order_by(field)
    )


def total_position(*, positions: list[Position]) -> Position:
    def total(attr: str) -> Decimal:
        return sum((getattr(p, attr) for p in positions), ZERO)

    return Position(
        key="total",
        label="Totaal",
        budget=total("budget"),
        committed=total("committed"),
        realised=total("realised"),
        remaining=total("remaining"),
        income=total("income"),
        forecast=total("forecast"),
    )


# --- the controller's dashboard ------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    law: str | None = None
    team_id: int | None = None
    provider_id: int | None = None

    def rollup_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.law:
            q &= Q(**{f"{prefix}line__law": self.law})
        if self.team_id:
            q &= Q(**{f"{prefix}team_id": self.team_id})
        if self.provider_id:
            q &= Q(**{f"{prefix}provider_id": self.provider_id})
        return q


@dataclass
class Cell:
    """A dashboard row for a team, a provider or a law; `suppressed` hides its money."""

    label: str
    committed: Decimal
    realised: Decimal
    remaining: Decimal
    households: int
    suppressed: bool = False


class _Disclosable(Protocol):
    households: int
    realised: Decimal
    suppressed: bool


_Row = TypeVar("_Row", bound=_Disclosable)


def _suppress(cells: list[_Row], *, minimum: int) -> list[_Row]:
    """Primary: a row standing for 1..minimum-1 households is hidden. Secondary: when one
    row is hidden in a table that shows a total, the next smallest row is hidden too, so
    the hidden one cannot be recovered as total minus the others (docs/budget.md)."""
    for cell in cells:
        cell.suppressed = 0 < cell.households < minimum
    hidden = [c for c in cells if c.suppressed]
    if len(hidden) == 1:
        candidates = sorted((c for c in cells if not c.suppressed), key=lambda c: (c.households, c.realised))
        if candidates:
            candidates[0].suppressed = True
    return cells


def breakdown(*, budget: Budget, by: str, filters: DashboardFilters, minimum: int) -> list[Cell]:
    """Money per team, provider or law, with the number of households behind each row
    (from the precomputed household figures: no household is counted here)."""
    from . import figures

    field = {"team": "team__name", "provider": "provider__name", "law": "line__law"}[by]
    key = {"team": "team_id", "provider": "provider_id", "law": "line__law"}[by]
    money = (
        MonthlyRollup.objects.filter(Q(line__budget=budget) & filters.rollup_q())
        .values(key, field)
        .annotate(remaining_sum=_sum(_REMAINING), committed_sum=_sum("committed"), realised_sum=_sum("realised"))
        .order_by(field)
    )
    households = figures.household_counts(
        budget=budget, by=by, law=filters.law, team_id=filters.team_id, provider_id=filters.provider_id
    )
    labels = dict(Law.choices) if by == "law" else {}
    cells = [
        Cell(
            label=str(labels.get(row[field], row[field]) or "—"),
            committed=row["committed_sum"],
            realised=row["realised_sum"],
            remaining=row["remaining_sum"],
            households=households.get(row[key], 0),
        )
        for row in money
    ]
    return _suppress(cells, minimum=minimum)


def monthly_series(*, budget: Budget, filters: DashboardFilters) -> list[dict]:
    """Per month: committed and realised (and the year's budget spread evenly, for the chart)."""
    rows = {
        r["month"]: r
        for r in MonthlyRollup.objects.filter(Q(line__budget=budget) & filters.rollup_q())
        .values("month")
        .annotate(committed=_sum("committed"), realised=_sum("realised"))
    }
    series = []
    for m in range(1, 13):
        month = dt.date(budget.year, m, 1)
        row = rows.get(month, {})
        series.append(
            {
                "month": month,
                "label": date_format(month, "F").capitalize(),
                "committed": row.get("committed", ZERO),
                "realised": row.get("realised", ZERO),
            }
        )
    return series


@dataclass(frozen=True)
class TeamRoom:
    """A team's ceiling in a budget year and what is left under it (None: no ceiling)."""

    ceiling: Decimal | None
    committed: Decimal

    @property
    def room(self) -> Decimal | None:
        return None if self.ceiling is None else max(self.ceiling - self.committed, ZERO)


def team_room(*, team_id: int, municipality_id: int, year: int) -> TeamRoom:
    """What the regisseur sees before granting: the team's remaining room (two queries)."""
    ceiling = TeamCeiling.objects.filter(
        budget__municipality_id=municipality_id, budget__year=year, team_id=team_id
    ).first()
    committed = MonthlyRollup.objects.filter(
        line__budget__municipality_id=municipality_id, line__budget__year=year, team_id=team_id
    ).aggregate(s=_sum("committed"))["s"]
    return TeamRoom(ceiling=ceiling.amount if ceiling else None, committed=committed)


@dataclass(frozen=True)
class Minority:
    law: str
    households: int
    share_pct: int  # the share of households that accounts for 80 % of the law's spending
    suppressed: bool


def expensive_minority(*, budget: Budget, minimum: int, law: str | None = None) -> list[Minority]:
    """Per law: which share of households accounts for 80 % of the realised spending
    (computed in the background by budget.figures; read here in one query)."""
    from . import figures

    return [
        Minority(
            law=str(dict(Law.choices).get(row.law, row.law)),
            households=row.households,
            share_pct=round(100 * row.top_households / row.households) if row.households else 0,
            suppressed=row.households < minimum,
        )
        for row in figures.minority(budget=budget, law=law)
    ]


@dataclass
class UnitCost:
    """One provision (catalogue item): what was realised per declared unit against the
    tariff in force. `tariff` is the volume-weighted tariff of the months declared (the
    tariff in force on the first of each month), so a mid-year tariff change is priced per
    month; the differences are to the cent."""

    label: str
    law: str
    unit: str
    realised: Decimal
    volume: Decimal
    expected: Decimal  # volume x tariff in force, month by month
    households: int
    suppressed: bool = False

    @property
    def unit_cost(self) -> Decimal | None:
        return _unit(self.realised, self.volume)

    @property
    def tariff(self) -> Decimal | None:
        return _unit(self.expected, self.volume)

    @property
    def difference(self) -> Decimal | None:
        """Realised unit cost minus the tariff, per unit."""
        if self.unit_cost is None or self.tariff is None:
            return None
        return self.unit_cost - self.tariff

    @property
    def difference_pct(self) -> Decimal | None:
        if self.difference is None or not self.tariff:
            return None
        return (self.difference / self.tariff * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _unit(amount: Decimal, volume: Decimal) -> Decimal | None:
    if not volume:
        return None
    return (amount / volume).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _tariff_in_force(tariffs: list[Tariff], month: dt.date) -> Decimal | None:
    """The tariff valid on the first of the month, else the first one starting in it."""
    end = (month + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    overlapping = [t for t in tariffs if t.valid_from <= end and (t.valid_until is None or t.valid_until >= month)]
    for t in overlapping:
        if t.valid_from <= month:
            return t.amount
    return min(overlapping, key=lambda t: t.valid_from).amount if overlapping else None


def unit_costs(*, budget: Budget, filters: DashboardFilters, minimum: int) -> list[UnitCost]:
    """Per provision: realised amount, declared volume, realised unit cost, the tariff in
    force and the difference. Three queries over summaries (the unit-cost rollup per item
    and month, the items' tariffs, the household counts), whatever the number of
    declaration lines; rows for fewer than `minimum` households are suppressed."""
    from . import figures

    rows = list(
        UnitCostRollup.objects.filter(Q(line__budget=budget) & filters.rollup_q())
        .values("item_id", "item__name", "item__law", "item__unit", "month")
        .annotate(realised_sum=_sum("realised"), volume_sum=Sum("volume"))
        .order_by("item__name", "item_id", "month")
    )
    item_ids = {r["item_id"] for r in rows}
    tariffs: dict[int, list[Tariff]] = {}
    for tariff in Tariff.objects.filter(item_id__in=item_ids).order_by("valid_from"):
        tariffs.setdefault(tariff.item_id, []).append(tariff)
    households = figures.household_counts(
        budget=budget, by="item", law=None, team_id=filters.team_id, provider_id=filters.provider_id
    )
    laws, units = dict(Law.choices), dict(Unit.choices)
    by_item: dict[int, UnitCost] = {}
    for r in rows:
        volume = r["volume_sum"] or ZERO
        price = _tariff_in_force(tariffs.get(r["item_id"], []), r["month"])
        row = by_item.get(r["item_id"])
        if row is None:
            row = by_item[r["item_id"]] = UnitCost(
                label=r["item__name"],
                law=str(laws.get(r["item__law"], r["item__law"])),
                unit=str(units.get(r["item__unit"], r["item__unit"])),
                realised=ZERO,
                volume=ZERO,
                expected=ZERO,
                households=households.get(r["item_id"], 0),
            )
        row.realised += _cents(r["realised_sum"])
        row.volume += volume
        row.expected += volume * price if price is not None else ZERO
    result = list(by_item.values())
    for row in result:
        row.expected = row.expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _suppress(result, minimum=minimum)


@dataclass
class Dashboard:
    budget: Budget
    filters: DashboardFilters
    team_room: TeamRoom | None
    lines: list[Position]
    total: Position
    months: list[dict]
    by_team: list[Cell]
    by_provider: list[Cell]
    by_law: list[Cell]
    minority: list[Minority]
    minimum: int
    unit_costs: list[UnitCost]


def dashboard(*, budget: Budget, filters: DashboardFilters, today: dt.date | None = None) -> Dashboard:
    """Everything the controller's dashboard shows, from the summaries only (about ten
    queries, whatever the number of arrangements and declaration lines)."""
    minimum = settings.DISCLOSURE_MINIMUM
    positions = line_positions(budget=budget, today=today, team_id=filters.team_id, provider_id=filters.provider_id)
    lines = [p for p in positions if not filters.law or (p.line is not None and p.line.law == filters.law)]
    # The lines at risk first: the highest forecast against budget on top.
    lines.sort(key=lambda p: -(p.forecast_pct or 0))
    room = (
        team_room(team_id=filters.team_id, municipality_id=budget.municipality_id, year=budget.year)
        if filters.team_id
        else None
    )
    return Dashboard(
        budget=budget,
        filters=filters,
        team_room=room,
        lines=lines,
        total=total_position(positions=lines),
        months=monthly_series(budget=budget, filters=filters),
        by_team=breakdown(budget=budget, by="team", filters=filters, minimum=minimum),
        by_provider=breakdown(budget=budget, by="provider", filters=filters, minimum=minimum),
        by_law=breakdown(budget=budget, by="law", filters=filters, minimum=minimum),
        minority=expensive_minority(budget=budget, minimum=minimum, law=filters.law),
        minimum=minimum,
        unit_costs=unit_costs(budget=budget, filters=filters, minimum=minimum),
    )
