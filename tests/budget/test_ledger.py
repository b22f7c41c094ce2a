"""The ledger is the truth; the rollup follows it exactly; money is exact to the cent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import services
from budget.constants import EntryKind
from budget.models import HouseholdSpend, LedgerEntry, MonthlyRollup, UnitCostRollup
from tests.accounts.factories import OrganisationFactory, TeamFactory, UserFactory
from tests.arrangements.factories import item_create
from tests.budget.factories import BudgetFactory, BudgetLineFactory, change
from tests.cases.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _committed(arrangement_id: int) -> dict[dt.date, Decimal]:
    rows = (
        LedgerEntry.objects.filter(source_kind="arrangement", source_id=arrangement_id)
        .values("month")
        .annotate(total=Sum("amount"))
    )
    return {r["month"]: r["total"] for r in rows if r["total"]}


def test_grant_books_the_schedule_per_month_to_the_cent():
    team = TeamFactory()
    BudgetLineFactory(budget=BudgetFactory(municipality=team.municipality))
    services.commitment_book(change(team=team, arrangement_id=1, months={(2026, 1): "101.43", (2026, 2): "0.01"}))
    assert _committed(1) == {dt.date(2026, 1, 1): Decimal("101.43"), dt.date(2026, 2, 1): Decimal("0.01")}
    cell = MonthlyRollup.objects.get(month=dt.date(2026, 1, 1))
    assert cell.committed == Decimal("101.43")


def test_change_recomputes_the_remainder_and_stop_releases_exactly_the_rest():
    team = TeamFactory()
    BudgetLineFactory(budget=BudgetFactory(municipality=team.municipality))
    months = {(2026, m): "250.00" for m in range(1, 7)}
    services.commitment_book(change(team=team, arrangement_id=7, months=months))
    # A change from April: half the volume.
    changed = {**months, (2026, 4): "125.00", (2026, 5): "125.00", (2026, 6): "125.00"}
    services.commitment_book(change(team=team, arrangement_id=7, months=changed, kind="change"))
    assert sum(_committed(7).values()) == Decimal("1125.00")
    # Stopped early, at the end of April: May and June are released, nothing else moves.
    stopped = {k: v for k, v in changed.items() if k <= (2026, 4)}
    services.commitment_book(change(team=team, arrangement_id=7, months=stopped, kind="stop"))
    assert _committed(7) == {
        dt.date(2026, 1, 1): Decimal("250.00"),
        dt.date(2026, 2, 1): Decimal("250.00"),
        dt.date(2026, 3, 1): Decimal("250.00"),
        dt.date(2026, 4, 1): Decimal("125.00"),
    }
    releases = LedgerEntry.objects.filter(source_id=7, kind=EntryKind.RELEASE).aggregate(s=Sum("amount"))["s"]
    assert releases == Decimal("-625.00")  # 3 x 125 (the change) + 2 x 125 (the stop)


def test_booking_the_same_schedule_twice_books_nothing_again():
    team = TeamFactory()
    months = {(2026, 3): "80.00"}
    services.commitment_book(change(team=team, arrangement_id=9, months=months))
    assert services.commitment_book(change(team=team, arrangement_id=9, months=months, kind="change")) == []
    assert LedgerEntry.objects.filter(source_id=9).count() == 1


def test_a_commitment_without_a_budget_line_lands_on_an_unbudgeted_line():
    team = TeamFactory()
    services.commitment_book(change(team=team, months={(2027, 1): "10.00"}, law="wmo", taakveld="6.6"))
    entry = LedgerEntry.objects.get()
    assert entry.line.unbudgeted and entry.line.amount == 0 and entry.line.budget.year == 2027


def test_ledger_entries_are_immutable():
    team = TeamFactory()
    services.commitment_book(change(team=team, months={(2026, 3): "80.00"}))
    entry = LedgerEntry.objects.get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.update(amount=0)
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().delete()


def test_a_closed_year_refuses_commitments_actuals_and_reallocations():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality)
    line = BudgetLineFactory(budget=budget)
    other = BudgetLineFactory(budget=budget, law="wmo", taakveld="6.6")
    actor, approver = UserFactory(), UserFactory()
    realloc = services.reallocation_request(
        actor=actor, budget=budget, from_line=line, to_line=other, amount=Decimal("5"), reason="Meer Wmo"
    )
    services.budget_close(actor=actor, budget=budget)
    budget.refresh_from_db()
    with pytest.raises(ValidationError, match="afgesloten"):
        services.commitment_book(change(team=team, months={(2026, 5): "1.00"}))
    with pytest.raises(ValidationError, match="afgesloten"):
        services.actual_book(
            municipality=team.municipality,
            team=team,
            provider_id=None,
            household_id=None,
            law="jeugdwet",
            taakveld="6.72",
            month=dt.date(2026, 5, 1),
            amount=Decimal("3.00"),
            source_kind="test",
            source_id=1,
            actor=None,
        )
    with pytest.raises(ValidationError, match="afgesloten"):
        services.reallocation_decide(actor=approver, reallocation=realloc, approve=True)
    assert LedgerEntry.objects.count() == 0


def test_actuals_are_idempotent_per_declaration_line_and_a_credit_reverses():
    team = TeamFactory()
    provider = OrganisationFactory()
    kwargs = {
        "municipality": team.municipality,
        "team": team,
        "provider_id": provider.pk,
        "household_id": 3,
        "law": "jeugdwet",
        "taakveld": "6.72",
        "month": dt.date(2026, 2, 1),
        "source_kind": "declaration_line",
        "actor": None,
    }
    first = services.actual_book(amount=Decimal("99.95"), source_id=11, **kwargs)
    again = services.actual_book(amount=Decimal("99.95"), source_id=11, **kwargs)
    assert first.pk == again.pk
    services.actual_book(amount=Decimal("-99.95"), source_id=11, correction=True, **kwargs)
    assert MonthlyRollup.objects.get().realised == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0", "-1", "NaN", "Infinity"])
def test_an_actual_that_is_not_a_positive_amount_is_refused(amount):
    team = TeamFactory()
    with pytest.raises(ValidationError):
        services.actual_book(
            municipality=team.municipality,
            team=team,
            provider_id=None,
            household_id=None,
            law="jeugdwet",
            taakveld="6.72",
            month=dt.date(2026, 2, 1),
            amount=Decimal(amount),
            source_kind="test",
            source_id=1,
            actor=None,
        )
    assert LedgerEntry.objects.count() == 0


def test_an_actual_for_a_team_of_the_other_municipality_is_refused():
    team, foreign = TeamFactory(), TeamFactory()
    with pytest.raises(ValidationError):
        services.actual_book(
            municipality=team.municipality,
            team=foreign,
            provider_id=None,
            household_id=None,
            law="jeugdwet",
            taakveld="6.72",
            month=dt.date(2026, 2, 1),
            amount=Decimal("10"),
            source_kind="test",
            source_id=1,
            actor=None,
        )
    assert LedgerEntry.objects.count() == 0


def test_contributions_are_capped_per_household_per_year():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality, household_contribution_cap=Decimal("100.00"))
    line = BudgetLineFactory(budget=budget, law="wmo", taakveld="6.6")
    household = HouseholdFactory()
    booked = [
        services.income_book(
            budget=budget,
            line=line,
            household_id=household.pk,
            month=dt.date(2026, m, 1),
            amount=Decimal("40.00"),
            source_kind="bijdrage",
            source_id=m,
            actor=None,
        )
        for m in (1, 2, 3, 4)
    ]
    assert [b.amount if b else None for b in booked] == [Decimal("40.00"), Decimal("40.00"), Decimal("20.00"), None]


# --- the rollup equals a full recomputation from the ledger -------------------------------

amounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2)
volumes = st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2))
schedules = st.dictionaries(st.tuples(st.just(2026), st.integers(1, 12)), amounts.map(str), max_size=6)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), st.integers(0, 4), schedules, st.booleans()),
        st.tuples(st.just("actual"), st.integers(0, 4), st.integers(1, 12), amounts),
        # A declaration on a catalogue item (or none) with a declared volume (or none), and
        # sometimes a credit (negative correction) of it.
        st.tuples(st.just("declare"), st.integers(0, 2), st.integers(1, 12), amounts, volumes, st.booleans()),
        st.tuples(st.just("reallocate"), amounts),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_rollup_equals_recomputation_from_the_ledger(ops):
    team = TeamFactory()
    provider = OrganisationFactory()
    budget = BudgetFactory(municipality=team.municipality)
    line = BudgetLineFactory(budget=budget, amount=Decimal("1000000"))
    other = BudgetLineFactory(budget=budget, law="wmo", taakveld="6.6")
    requester, approver = UserFactory(), UserFactory()
    items = [None, item_create(team.municipality, name="Jeugdhulp A"), item_create(team.municipality, name="B")]
    base = 10_000 * team.pk
    for n, op in enumerate(ops):
        if op[0] == "commit":
            _kind, arrangement, months, with_provider = op
            services.commitment_book(
                change(
                    team=team,
                    arrangement_id=base + arrangement,
                    months=months,
                    provider_id=provider.pk if with_provider else None,
                )
            )
        elif op[0] == "actual":
            _kind, arrangement, month, amount = op
            if amount > 0:
                services.actual_book(
                    municipality=team.municipality,
                    team=team,
                    provider_id=provider.pk,
                    household_id=1,
                    law="jeugdwet",
                    taakveld="6.72",
                    month=dt.date(2026, month, 1),
                    amount=amount,
                    source_kind="declaration_line",
                    source_id=base + n,
                    actor=None,
                )
        elif op[0] == "declare":
            _kind, item_no, month, amount, volume, credit = op
            if amount > 0:
                declared = {
                    "municipality": team.municipality,
                    "team": team,
                    "provider_id": provider.pk,
                    "household_id": 2,
                    "law": "jeugdwet",
                    "taakveld": "6.72",
                    "month": dt.date(2026, month, 1),
                    "source_kind": "declaration_line",
                    "source_id": base + n,
                    "actor": None,
                    "item_id": items[item_no].pk if items[item_no] else None,
                }
                services.actual_book(amount=amount, volume=volume, **declared)
                if credit:
                    services.actual_book(
                        amount=-amount, volume=-volume if volume else None, correction=True, **declared
                    )
        elif op[1] > 0:
            realloc = services.reallocation_request(
                actor=requester, budget=budget, from_line=line, to_line=other, amount=op[1], reason="Herschikking"
            )
            services.reallocation_decide(actor=approver, reallocation=realloc, approve=True)

    column = {
        "commitment": "committed",
        "release": "committed",
        "actual": "realised",
        "correction": "realised",
        "income": "income",
        "reallocation": "reallocated",
    }
    expected: dict = {}
    for e in LedgerEntry.objects.filter(line__budget=budget):
        key = (e.line_id, e.team_id, e.provider_id, e.month, column[e.kind])
        expected[key] = expected.get(key, Decimal("0")) + e.amount
    actual: dict = {}
    for cell in MonthlyRollup.objects.filter(line__budget=budget):
        for field in ("committed", "realised", "income", "reallocated"):
            value = getattr(cell, field)
            if value:
                actual[(cell.line_id, cell.team_id, cell.provider_id, cell.month, field)] = value
    assert actual == {k: v for k, v in expected.items() if v}

    spent: dict = {}
    unit: dict = {}
    for e in LedgerEntry.objects.filter(line__budget=budget, kind__in=["actual", "correction"]):
        key = (e.line_id, e.team_id, e.provider_id, e.item_id, e.household_id)
        spent[key] = spent.get(key, Decimal("0")) + e.amount
        if e.item_id is not None and e.volume is not None:
            cell = (e.line_id, e.team_id, e.provider_id, e.item_id, e.month)
            amount, volume = unit.get(cell, (Decimal("0"), Decimal("0")))
            unit[cell] = (amount + e.amount, volume + e.volume)

    def summaries() -> tuple[dict, dict]:
        households = {
            (s.line_id, s.team_id, s.provider_id, s.item_id, s.household_id): s.realised
            for s in HouseholdSpend.objects.filter(line__budget=budget)
        }
        unit_costs = {
            (u.line_id, u.team_id, u.provider_id, u.item_id, u.month): (u.realised, u.volume)
            for u in UnitCostRollup.objects.filter(line__budget=budget)
        }
        return households, unit_costs

    assert summaries() == (spent, unit)
    # ... and a rebuild from the ledger gives the same summaries.
    services.rollups_rebuild(budget=budget)
    assert summaries() == (spent, unit)
