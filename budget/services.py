"""Writes to the single budget. Every booking goes through `_book`, which writes the
immutable ledger entry and moves the rollup cell in the same transaction.

Lock order (to avoid deadlocks between concurrent grants): team ceilings by primary key,
then rollup cells in (line, team, provider, month) order. Money is Decimal with cents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import Municipality, Team, User
from arrangements.hooks import OVER_CEILING, CommitmentChange
from arrangements.models import CatalogueItem
from socialdomain.audit import audit_write

from .constants import BudgetStatus, EntryKind, ReallocationStatus
from .models import (
    Budget,
    BudgetLine,
    HouseholdContribution,
    HouseholdSpend,
    InflowRollup,
    LedgerEntry,
    MonthlyRollup,
    Reallocation,
    TeamCeiling,
    UnitCostRollup,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ARRANGEMENT = "arrangement"

# Which rollup column each kind of entry moves.
_ROLLUP_FIELD = {
    EntryKind.COMMITMENT: "committed",
    EntryKind.RELEASE: "committed",
    EntryKind.ACTUAL: "realised",
    EntryKind.CORRECTION: "realised",
    EntryKind.INCOME: "income",
    EntryKind.REALLOCATION: "reallocated",
}

CellKey = tuple[int, int | None, int | None, dt.date]  # line, team, provider, month


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _volume(value: Decimal | int | str, *, correction: bool) -> Decimal:
    """Declared units with two decimals: positive on an actual, not zero on a credit."""
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError({"volume": _("Het aantal eenheden is geen geldig getal.")}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ValidationError({"volume": _("Het aantal eenheden is geen geldig getal.")})
    number = number.quantize(CENT)
    if (not correction and number <= 0) or number == 0:
        raise ValidationError({"volume": _("Het aantal eenheden van een realisatie is groter dan nul.")})
    return number


def _money(value: Decimal | int | str) -> Decimal:
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationError(_("Het bedrag is geen geldig getal."))
    return amount.quantize(CENT)


def _add_to_cell(model: type[models.Model], *, field: str, amount: Decimal, **key: Any) -> None:
    """Add `amount` to one summary cell, creating it when missing (safe under concurrency:
    a unique constraint decides which transaction creates it; the other adds to it)."""
    _add_to_cell_values(model, values={field: amount}, **key)


def _add_to_cell_values(model: type[models.Model], *, values: dict[str, Decimal], **key: Any) -> None:
    """`_add_to_cell` for several columns of one cell at once."""
    lookup = {}
    for name, value in key.items():
        lookup[f"{name}__isnull" if value is None else name] = True if value is None else value
    cell = model._default_manager.filter(**lookup)
    changes = {field: F(field) + amount for field, amount in values.items()}
    if cell.update(**changes):
        return
    try:
        with transaction.atomic():
            model._default_manager.create(**key, **values)
    except IntegrityError:  # another transaction created the cell first: add to it
        cell.update(**changes)


def _rollup_add(*, key: CellKey, field: str, amount: Decimal) -> None:
    line_id, team_id, provider_id, month = key
    _add_to_cell(
        MonthlyRollup,
        field=field,
        amount=amount,
        line_id=line_id,
        team_id=team_id,
        provider_id=provider_id,
        month=month,
    )


def _book(
    *,
    line: BudgetLine,
    team_id: int | None,
    provider_id: int | None,
    household_id: int | None,
    month: dt.date,
    kind: str,
    amount: Decimal,
    source_kind: str,
    source_id: int,
    actor: User | None,
    volume: Decimal | None = None,
    item_id: int | None = None,
) -> LedgerEntry:
    entry = LedgerEntry(
        line=line,
        team_id=team_id,
        provider_id=provider_id,
        household_id=household_id,
        month=_first_of_month(month),
        kind=kind,
        amount=_money(amount),
        source_kind=source_kind,
        source_id=source_id,
        actor=actor,
        volume=volume,
        item_id=item_id,
    )
    entry.full_clean(exclude=["line", "team", "provider", "actor", "item"])
    entry.save()
    field = _ROLLUP_FIELD[EntryKind(kind)]
    _rollup_add(key=(line.pk, team_id, provider_id, entry.month), field=field, amount=entry.amount)
    if kind == EntryKind.COMMITMENT:
        booked = _first_of_month(timezone.localdate())
        _add_to_cell(InflowRollup, field="amount", amount=entry.amount, line_id=line.pk, booked_month=booked)
    if field == "realised" and household_id is not None:
        _add_to_cell(
            HouseholdSpend,
            field="realised",
            amount=entry.amount,
            line_id=line.pk,
            team_id=team_id,
            provider_id=provider_id,
            item_id=item_id,
            household_id=household_id,
        )
    if field == "realised" and item_id is not None and entry.volume is not None:
        _unit_cost_add(entry)
    return entry


def _unit_cost_add(entry: LedgerEntry) -> None:
    """Move the unit-cost cell of an actual: amount and volume in one race-safe upsert."""
    assert entry.volume is not None
    _add_to_cell_values(
        UnitCostRollup,
        values={"realised": entry.amount, "volume": entry.volume},
        line_id=entry.line_id,
        team_id=entry.team_id,
        provider_id=entry.provider_id,
        item_id=entry.item_id,
        month=entry.month,
    )


def _budget_for(*, municipality_id: int, year: int) -> Budget:
    """The municipality's budget of that year; created (open, without lines) when missing,
    so that a commitment reaching into a year not yet budgeted is never lost."""
    budget, _created = Budget.objects.get_or_create(municipality_id=municipality_id, year=year)
    return budget


def _line_for(*, budget: Budget, law: str, taakveld: str) -> BudgetLine:
    """The budget line for law x taakveld; an unbudgeted line (amount 0) when the budget
    has none, so spending always shows up, as an overrun."""
    line = BudgetLine.objects.filter(budget=budget, law=law, taakveld=taakveld).first()
    if line is not None:
        return line
    try:
        with transaction.atomic():
            return BudgetLine.objects.create(budget=budget, law=law, taakveld=taakveld, amount=ZERO, unbudgeted=True)
    except IntegrityError:
        return BudgetLine.objects.get(budget=budget, law=law, taakveld=taakveld)


def _refuse_closed(budget: Budget) -> None:
    if budget.status == BudgetStatus.CLOSED:
        raise ValidationError(
            _("Het begrotingsjaar %(year)s is afgesloten; er kan niets meer op worden geboekt.") % {"year": budget.year}
        )


def team_committed(*, budget: Budget, team_id: int) -> Decimal:
    """What a team has committed in a budget year (all its lines), from the rollup."""
    total = MonthlyRollup.objects.filter(line__budget=budget, team_id=team_id).aggregate(s=Sum("committed"))["s"]
    return total or ZERO


@transaction.atomic
def commitment_book(change: CommitmentChange) -> list[LedgerEntry]:
    """Book an arrangement's new committed schedule: the difference with what was booked.

    The listener of `arrangements.hooks`: runs inside the arrangement's transaction.
    Raises ValidationError (Dutch) — and books nothing — when a closed year would change,
    or when a grant would take the team over its ceiling (the team leader must approve).
    """
    actor = User.objects.filter(pk=change.actor_id).first() if change.actor_id else None
    new: dict[CellKey, Decimal] = defaultdict(lambda: ZERO)
    lines: dict[int, BudgetLine] = {}
    budgets: dict[int, Budget] = {}
    for item in change.schedule:
        budget = _budget_for(municipality_id=change.municipality_id, year=item.month.year)
        budgets[budget.pk] = budget
        line = _line_for(budget=budget, law=change.law, taakveld=change.taakveld)
        lines[line.pk] = line
        new[(line.pk, change.team_id, change.provider_id, _first_of_month(item.month))] += _money(item.amount)

    old: dict[CellKey, Decimal] = defaultdict(lambda: ZERO)
    previous = (
        LedgerEntry.objects.filter(
            source_kind=ARRANGEMENT, source_id=change.arrangement_id, kind__in=[EntryKind.COMMITMENT, EntryKind.RELEASE]
        )
        .values("line_id", "team_id", "provider_id", "month")
        .annotate(total=Sum("amount"))
    )
    for row in previous:
        old[(row["line_id"], row["team_id"], row["provider_id"], row["month"])] = row["total"]
        if row["line_id"] not in lines:
            lines[row["line_id"]] = BudgetLine.objects.select_related("budget").get(pk=row["line_id"])
            budgets[lines[row["line_id"]].budget_id] = lines[row["line_id"]].budget

    deltas = {key: new[key] - old[key] for key in sorted(set(new) | set(old), key=_cell_order) if new[key] != old[key]}
    for key in deltas:
        _refuse_closed(budgets[lines[key[0]].budget_id])

    # Ceilings: lock them in primary-key order, then check the team's total per year.
    increase_per_budget: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for key, delta in deltas.items():
        if key[1] is not None:
            increase_per_budget[lines[key[0]].budget_id] += delta
    ceilings = list(
        TeamCeiling.objects.select_for_update()
        .filter(budget_id__in=list(increase_per_budget), team_id=change.team_id)
        .order_by("pk")
    )
    # A team leader's approval lifts the check (the rows stay locked, in the same order).
    approved = _ceiling_approval_valid(change)
    for ceiling in ceilings:
        increase = increase_per_budget[ceiling.budget_id]
        if increase > 0 and not approved:
            committed = team_committed(budget=budgets[ceiling.budget_id], team_id=change.team_id)
            if committed + increase > ceiling.amount:
                room = max(ceiling.amount - committed, ZERO)
                raise ValidationError(
                    _(
                        "Deze toekenning past niet onder het budgetplafond van het team voor %(year)s: "
                        "er is nog € %(room)s ruimte, de voorziening kost € %(cost)s. "
                        "De teamleider moet de overschrijding goedkeuren."
                    )
                    % {"year": budgets[ceiling.budget_id].year, "room": _fmt(room), "cost": _fmt(increase)},
                    code=OVER_CEILING,
                )

    entries = []
    for key, delta in deltas.items():
        line_id, team_id, provider_id, month = key
        entries.append(
            _book(
                line=lines[line_id],
                team_id=team_id,
                provider_id=provider_id,
                household_id=change.household_id,
                month=month,
                kind=EntryKind.COMMITMENT if delta > 0 else EntryKind.RELEASE,
                amount=delta,
                source_kind=ARRANGEMENT,
                source_id=change.arrangement_id,
                actor=actor,
            )
        )
    if entries:
        _schedule_recompute(budget_ids=budgets)
    return entries


def _ceiling_approval_valid(change: CommitmentChange) -> bool:
    """Whether the change carries a valid approval beyond the ceiling: the approver is an
    active team leader of the arrangement's team (checked here, not taken on trust)."""
    if change.ceiling_approved_by is None:
        return False
    return User.objects.filter(
        pk=change.ceiling_approved_by,
        is_active=True,
        memberships__team_id=change.team_id,
        memberships__role=Role.TEAMLEIDER,
    ).exists()


def _cell_order(key: CellKey) -> tuple[int, int, int, dt.date]:
    return (key[0], key[1] or 0, key[2] or 0, key[3])


def _fmt(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _schedule_recompute(*, budget_ids: Iterable[int]) -> None:
    from . import tasks

    for budget_id in set(budget_ids):
        tasks.budget_recompute.delay_on_commit(budget_id)


@transaction.atomic
def actual_book(
    *,
    municipality: Municipality,
    team: Team | None,
    provider_id: int | None,
    household_id: int | None,
    law: str,
    taakveld: str,
    month: dt.date,
    amount: Decimal,
    source_kind: str,
    source_id: int,
    actor: User | None,
    correction: bool = False,
    volume: Decimal | None = None,
    item_id: int | None = None,
) -> LedgerEntry:
    """Book a realised amount (a declaration line; admin entry until the partner API).

    Idempotent per source: the same declaration line booked twice returns the first entry.
    A credit (negative correction) reverses an earlier line. `volume` is the declared
    number of units (negative on a credit) and `item_id` the catalogue item declared on;
    with both, the entry counts in the unit cost per provision (`UnitCostRollup`).
    """
    kind = EntryKind.CORRECTION if correction else EntryKind.ACTUAL
    existing = LedgerEntry.objects.filter(source_kind=source_kind, source_id=source_id, kind=kind).first()
    if existing is not None:
        return existing
    value = _money(amount)
    if not correction and value <= 0:
        raise ValidationError({"amount": _("Een realisatie is een bedrag groter dan nul.")})
    if team is not None and team.municipality_id != municipality.pk:
        raise ValidationError({"team": _("Dit team hoort niet bij deze gemeente.")})
    if volume is not None:
        volume = _volume(volume, correction=correction)
    if item_id is not None and not CatalogueItem.objects.filter(pk=item_id, municipality=municipality).exists():
        raise ValidationError({"item": _("Deze voorziening staat niet in de catalogus van deze gemeente.")})
    budget = _budget_for(municipality_id=municipality.pk, year=month.year)
    _refuse_closed(budget)
    line = _line_for(budget=budget, law=law, taakveld=taakveld)
    entry = _book(
        line=line,
        team_id=team.pk if team else None,
        provider_id=provider_id,
        household_id=household_id,
        month=month,
        kind=kind,
        amount=value,
        source_kind=source_kind,
        source_id=source_id,
        actor=actor,
        volume=volume,
        item_id=item_id,
    )
    audit_write(actor=actor, action="budget_actual_book", obj=entry, changes={"amount": [None, str(value)]})
    _schedule_recompute(budget_ids=[budget.pk])
    return entry


@transaction.atomic
def income_book(
    *,
    budget: Budget,
    line: BudgetLine,
    household_id: int,
    month: dt.date,
    amount: Decimal,
    source_kind: str,
    source_id: int,
    actor: User | None,
) -> LedgerEntry | None:
    """Book an eigen bijdrage, capped per household per year against stacking.

    Charges at most what is left under the budget's yearly cap (a cap of 0 means no cap);
    returns None when the cap is already reached. Idempotent per source.
    """
    existing = LedgerEntry.objects.filter(source_kind=source_kind, source_id=source_id, kind=EntryKind.INCOME).first()
    if existing is not None:
        return existing
    value = _money(amount)
    if value <= 0:
        raise ValidationError({"amount": _("Een eigen bijdrage is een bedrag groter dan nul.")})
    if line.budget_id != budget.pk:
        raise ValidationError({"line": _("Deze budgetregel hoort niet bij dit budget.")})
    _refuse_closed(budget)
    contribution, _created = HouseholdContribution.objects.select_for_update().get_or_create(
        budget=budget, household_id=household_id
    )
    if budget.household_contribution_cap > 0:
        value = min(value, budget.household_contribution_cap - contribution.charged)
        if value <= 0:
            return None
    contribution.charged = F("charged") + value
    contribution.save(update_fields=["charged"])
    return _book(
        line=line,
        team_id=None,
        provider_id=None,
        household_id=household_id,
        month=month,
        kind=EntryKind.INCOME,
        amount=value,
        source_kind=source_kind,
        source_id=source_id,
        actor=actor,
    )


@transaction.atomic
def reallocation_request(
    *, actor: User, budget: Budget, from_line: BudgetLine, to_line: BudgetLine, amount: Decimal, reason: str
) -> Reallocation:
    """Ask to move money between two lines of one open budget (approved by someone else)."""
    value = _money(amount)
    errors: dict[str, str] = {}
    if value <= 0:
        errors["amount"] = _("Het bedrag moet groter dan nul zijn.")
    if from_line.budget_id != budget.pk or to_line.budget_id != budget.pk:
        errors["to_line"] = _("Beide budgetregels moeten bij dit budget horen.")
    elif from_line.pk == to_line.pk:
        errors["to_line"] = _("Kies twee verschillende budgetregels.")
    if from_line.earmarked:
        errors["from_line"] = _("Deze budgetregel is geoormerkt: er mag geen geld uit weg.")
    if not reason.strip():
        errors["reason"] = _("Geef een reden voor de herschikking.")
    if errors:
        raise ValidationError(errors)
    _refuse_closed(budget)
    reallocation = Reallocation(
        budget=budget, from_line=from_line, to_line=to_line, amount=value, reason=reason.strip(), requested_by=actor
    )
    reallocation.full_clean()
    reallocation.save()
    audit_write(
        actor=actor, action="budget_reallocation_request", obj=reallocation, changes={"amount": [None, str(value)]}
    )
    return reallocation


@transaction.atomic
def reallocation_decide(*, actor: User, reallocation: Reallocation, approve: bool) -> Reallocation:
    """Approve (four-eyes: not the requester) or reject a reallocation; approval books it."""
    locked = (
        Reallocation.objects.select_for_update()
        .select_related("budget", "from_line", "to_line")
        .get(pk=reallocation.pk)
    )
    if locked.status != ReallocationStatus.REQUESTED:
        raise ValidationError(_("Over deze herschikking is al besloten."))
    if locked.requested_by_id == actor.pk:
        raise ValidationError(_("Een herschikking wordt goedgekeurd door een ander dan de aanvrager (vier ogen)."))
    _refuse_closed(locked.budget)
    if approve and locked.from_line.earmarked:
        raise ValidationError(_("Deze budgetregel is geoormerkt: er mag geen geld uit weg."))
    locked.status = ReallocationStatus.APPROVED if approve else ReallocationStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        month = _first_of_month(min(timezone.localdate(), dt.date(locked.budget.year, 12, 1)))
        for line, amount in sorted(
            [(locked.from_line, -locked.amount), (locked.to_line, locked.amount)], key=lambda p: p[0].pk
        ):
            _book(
                line=line,
                team_id=None,
                provider_id=None,
                household_id=None,
                month=month,
                kind=EntryKind.REALLOCATION,
                amount=amount,
                source_kind="reallocation",
                source_id=locked.pk,
                actor=actor,
            )
        _schedule_recompute(budget_ids=[locked.budget_id])
    audit_write(actor=actor, action="budget_reallocation_decide", obj=locked, changes={"status": [None, locked.status]})
    return locked


@transaction.atomic
def budget_close(*, actor: User, budget: Budget) -> Budget:
    """Close a year: afterwards every booking, reallocation and change is refused."""
    locked = Budget.objects.select_for_update().get(pk=budget.pk)
    locked.status = BudgetStatus.CLOSED
    locked.save(update_fields=["status"])
    audit_write(actor=actor, action="budget_close", obj=locked, changes={"status": ["open", "closed"]})
    return locked


@transaction.atomic
def budget_open_from_previous(*, actor: User, municipality: Municipality, year: int) -> Budget:
    """Open a year with the previous year's lines, amounts, earmarks and ceilings."""
    if Budget.objects.filter(municipality=municipality, year=year).exists():
        raise ValidationError(_("Er is al een budget voor %(year)s.") % {"year": year})
    previous = Budget.objects.filter(municipality=municipality, year=year - 1).first()
    budget = Budget.objects.create(
        municipality=municipality,
        year=year,
        household_contribution_cap=previous.household_contribution_cap if previous else ZERO,
    )
    if previous is not None:
        BudgetLine.objects.bulk_create(
            BudgetLine(
                budget=budget,
                law=line.law,
                taakveld=line.taakveld,
                amount=line.amount,
                earmarked=line.earmarked,
                overrun_threshold_pct=line.overrun_threshold_pct,
            )
            for line in previous.lines.filter(unbudgeted=False)
        )
        TeamCeiling.objects.bulk_create(
            TeamCeiling(budget=budget, team_id=c.team_id, amount=c.amount) for c in previous.ceilings.all()
        )
    audit_write(actor=actor, action="budget_open", obj=budget, changes={"year": [None, str(year)]})
    return budget


@transaction.atomic
def rollups_rebuild(*, budget: Budget) -> int:
    """Recompute every summary of one budget from its ledger (after a bulk load, or to
    repair). The result is what `_book` keeps in step entry by entry; returns the cells."""
    lines = BudgetLine.objects.filter(budget=budget)
    MonthlyRollup.objects.filter(line__in=lines).delete()
    InflowRollup.objects.filter(line__in=lines).delete()
    HouseholdSpend.objects.filter(line__in=lines).delete()
    UnitCostRollup.objects.filter(line__in=lines).delete()
    entries = LedgerEntry.objects.filter(line__in=lines)
    cells: dict[tuple, dict[str, Decimal]] = {}
    for row in entries.values("line_id", "team_id", "provider_id", "month", "kind").annotate(total=Sum("amount")):
        key = (row["line_id"], row["team_id"], row["provider_id"], row["month"])
        cell = cells.setdefault(key, {})
        field = _ROLLUP_FIELD[EntryKind(row["kind"])]
        cell[field] = cell.get(field, ZERO) + row["total"]
    MonthlyRollup.objects.bulk_create(
        [MonthlyRollup(line_id=k[0], team_id=k[1], provider_id=k[2], month=k[3], **v) for k, v in cells.items()],
        batch_size=2000,
    )
    inflow = (
        entries.filter(kind=EntryKind.COMMITMENT)
        .annotate(booked=TruncMonth("booked_at"))
        .values("line_id", "booked")
        .annotate(total=Sum("amount"))
    )
    InflowRollup.objects.bulk_create(
        [InflowRollup(line_id=r["line_id"], booked_month=r["booked"], amount=r["total"]) for r in inflow],
        batch_size=2000,
    )
    spend = (
        entries.filter(kind__in=[EntryKind.ACTUAL, EntryKind.CORRECTION], household_id__isnull=False)
        .values("line_id", "team_id", "provider_id", "item_id", "household_id")
        .annotate(total=Sum("amount"))
    )
    HouseholdSpend.objects.bulk_create(
        [
            HouseholdSpend(
                line_id=r["line_id"],
                team_id=r["team_id"],
                provider_id=r["provider_id"],
                item_id=r["item_id"],
                household_id=r["household_id"],
                realised=r["total"],
            )
            for r in spend
        ],
        batch_size=2000,
    )
    unit_costs = (
        entries.filter(kind__in=[EntryKind.ACTUAL, EntryKind.CORRECTION], item_id__isnull=False, volume__isnull=False)
        .values("line_id", "team_id", "provider_id", "item_id", "month")
        .annotate(total=Sum("amount"), units=Sum("volume"))
    )
    UnitCostRollup.objects.bulk_create(
        [
            UnitCostRollup(
                line_id=r["line_id"],
                team_id=r["team_id"],
                provider_id=r["provider_id"],
                item_id=r["item_id"],
                month=r["month"],
                realised=r["total"],
                volume=r["units"],
            )
            for r in unit_costs
        ],
        batch_size=2000,
    )
    return len(cells)
