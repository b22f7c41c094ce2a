"""Declarations (303) answered per line (304): what is refused books nothing, what is
accepted becomes an actual to the cent, a credit reverses once, another provider's
allocation is "unknown" like a missing one, and a batch costs the same queries for 5 or
100 lines."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrangements import services as arrangement_services
from arrangements.constants import ArrangementStatus, StopReason
from arrangements.models import Arrangement, Tariff
from audit.models import AuditEvent
from budget.constants import BudgetStatus, EntryKind
from budget.models import Budget, HouseholdSpend, LedgerEntry, MonthlyRollup, UnitCostRollup
from budget.services import rollups_rebuild
from partners.declaration_models import DeclarationLine, LineStatus
from partners.declarations import SOURCE_KIND, LineIn, allowed_volume, declaration_receive
from tests.accounts.factories import OrganisationFactory
from tests.partners.declaration_factories import allocation_create

pytestmark = pytest.mark.django_db

D = Decimal
_refs = iter(range(1, 10_000_000))


def line(allocation, /, **overrides) -> LineIn:  # type: ignore[no-untyped-def]
    """A correct line: 2 hours in February 2026 at € 60.00."""
    data = {
        "allocation": str(allocation.uuid),
        "reference": f"R{next(_refs)}",
        "period_start": dt.date(2026, 2, 1),
        "period_end": dt.date(2026, 2, 28),
        "product_code": "",
        "volume": D("2"),
        "amount": D("120.00"),
        "credit_of": "",
    }
    return LineIn(**(data | overrides))


def declare(world, *lines, organisation=None):  # type: ignore[no-untyped-def]
    return declaration_receive(
        organisation=organisation or world.provider,
        municipality_id=world.team.municipality_id,
        client_id="client-a",
        lines=list(lines),
    )


def actuals():  # type: ignore[no-untyped-def]
    return LedgerEntry.objects.filter(source_kind=SOURCE_KIND)


def codes(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.reason_code for a in answer.lines]


@pytest.fixture
def allocation(world):  # type: ignore[no-untyped-def]
    """3 hours a week from 5 January to 30 June 2026, started."""
    return allocation_create(world)


def test_an_accepted_line_becomes_an_actual_to_the_cent(world, allocation):
    answer = declare(world, line(allocation, volume=D("2.5"), amount=D("150.00")))
    assert codes(answer) == ["0000"]
    (entry,) = actuals()
    stored = DeclarationLine.objects.get(uuid=answer.lines[0].id)
    assert stored.status == LineStatus.ACCEPTED and entry.source_id == stored.pk
    assert entry.kind == EntryKind.ACTUAL and entry.amount == D("150.00") and entry.volume == D("2.50")
    assert entry.month == dt.date(2026, 2, 1) and entry.provider_id == world.provider.pk
    assert entry.team_id == world.team.pk and entry.household_id == world.case.household_id
    assert entry.line.law == "wmo" and entry.line.taakveld == "6.6"
    cell = MonthlyRollup.objects.get(line=entry.line, team=world.team, provider=world.provider, month=entry.month)
    assert cell.realised == D("150.00")
    spend = HouseholdSpend.objects.get(line=entry.line, household_id=world.case.household_id)
    assert spend.realised == D("150.00")


def test_the_batch_keeps_the_rollups_equal_to_the_recomputation(world, allocation):
    declare(
        world, line(allocation), line(allocation, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31))
    )
    before = {
        (c.line_id, c.team_id, c.provider_id, c.month): (c.committed, c.realised)
        for c in MonthlyRollup.objects.filter(line__budget__municipality=world.team.municipality)
    }
    spend = {(s.line_id, s.item_id, s.household_id): s.realised for s in HouseholdSpend.objects.all()}
    unit = {(u.line_id, u.item_id, u.month): (u.realised, u.volume) for u in UnitCostRollup.objects.all()}
    assert unit and all(item_id == allocation.item_id for _l, item_id, _m in unit)  # the item is named
    rollups_rebuild(budget=Budget.objects.get(municipality=world.team.municipality, year=2026))
    after = {
        (c.line_id, c.team_id, c.provider_id, c.month): (c.committed, c.realised)
        for c in MonthlyRollup.objects.filter(line__budget__municipality=world.team.municipality)
    }
    assert before == after
    assert spend == {(s.line_id, s.item_id, s.household_id): s.realised for s in HouseholdSpend.objects.all()}
    assert unit == {(u.line_id, u.item_id, u.month): (u.realised, u.volume) for u in UnitCostRollup.objects.all()}
    assert sum(r for _c, r in after.values()) == D("240.00")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 1, 31)}, "8006"),  # before the start
        ({"period_start": dt.date(2026, 7, 1), "period_end": dt.date(2026, 7, 31)}, "8006"),  # after the end
        ({"period_start": dt.date(2026, 2, 20), "period_end": dt.date(2026, 3, 5)}, "8005"),  # two months
        ({"volume": D("13"), "amount": D("780.00")}, "8011"),  # Feb: 3 h x 28 / 7 = 12 h
        ({"amount": D("119.99")}, "8010"),  # wrong tariff
        ({"volume": D("2"), "amount": D("130.00")}, "8010"),
        ({"volume": D("-2"), "amount": D("-120.00")}, "8008"),  # negative
        ({"volume": D("0"), "amount": D("0.00")}, "8008"),
        ({"product_code": "99X99"}, "8007"),
        ({"allocation": str(uuid.uuid4())}, "8001"),
        ({"allocation": "not-a-uuid"}, "8001"),
    ],
)
def test_a_wrong_line_is_refused_with_its_code_and_books_nothing(world, allocation, overrides, code):
    answer = declare(world, line(allocation, **overrides))
    (answered,) = answer.lines
    assert answered.status == LineStatus.REFUSED and answered.reason_code == code and answered.reason
    assert not actuals().exists()
    assert not MonthlyRollup.objects.filter(realised__gt=0).exists()
    assert DeclarationLine.objects.get(uuid=answered.id).status == LineStatus.REFUSED


def test_care_not_yet_delivered_is_refused(world):
    from django.utils import timezone

    today = timezone.localdate()
    allocation = allocation_create(world, start=today - dt.timedelta(days=40), end=today + dt.timedelta(days=70))
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    answer = declare(world, line(allocation, period_start=next_month, period_end=next_month + dt.timedelta(days=1)))
    assert codes(answer) == ["8017"] and not actuals().exists()


def test_refused_lines_leave_the_accepted_ones_of_the_batch_booked(world, allocation):
    answer = declare(world, line(allocation), line(allocation, amount=D("1.00")), line(allocation))
    assert codes(answer) == ["0000", "8010", "0000"]
    assert sorted(e.amount for e in actuals()) == [D("120.00"), D("120.00")]
    assert answer.declaration.lines_accepted == 2


def test_cumulative_volume_counts_earlier_declarations_and_the_batch(world, allocation):
    # February allows 12 hours: 10 earlier, then 2 (accepted) and 0.5 (over).
    declare(world, line(allocation, volume=D("10"), amount=D("600.00")))
    answer = declare(world, line(allocation), line(allocation, volume=D("0.5"), amount=D("30.00")))
    assert codes(answer) == ["0000", "8011"]
    assert sum(e.volume for e in actuals()) == D("12.00")


def test_allowed_volume_per_frequency_and_stop(world, allocation):
    assert allowed_volume(allocation, dt.date(2026, 2, 1)) == D("12.00")  # 28 days / 7 x 3
    assert allowed_volume(allocation, dt.date(2026, 1, 1)) == D("11.57")  # 27 days from the 5th
    assert allowed_volume(allocation, dt.date(2026, 7, 1)) == D("0.00")


def test_a_tariff_change_within_the_period_or_a_period_under_the_new_tariff(world, allocation):
    Tariff.objects.filter(item=world.item).update(valid_until=dt.date(2026, 2, 14))
    Tariff.objects.create(item=world.item, amount=D("62.50"), valid_from=dt.date(2026, 2, 15))
    answer = declare(
        world,
        line(allocation),  # spans the change
        line(allocation, period_end=dt.date(2026, 2, 14)),  # old tariff
        line(allocation, period_start=dt.date(2026, 2, 15), amount=D("125.00")),  # new tariff
        line(allocation, period_start=dt.date(2026, 2, 15), amount=D("120.00")),  # old tariff on new days
    )
    assert codes(answer) == ["8009", "0000", "0000", "8010"]


def test_a_stopped_allocation_refuses_periods_after_its_stop(world, allocation):
    arrangement_services.arrangement_stop(
        actor=world.regisseur, arrangement=allocation, stop_date=dt.date(2026, 2, 10), reason=StopReason.GOAL_REACHED
    )
    answer = declare(
        world,
        line(allocation, period_start=dt.date(2026, 2, 11), period_end=dt.date(2026, 2, 20)),
        line(
            allocation,
            period_start=dt.date(2026, 2, 1),
            period_end=dt.date(2026, 2, 10),
            volume=D("4"),
            amount=D("240.00"),
        ),
        line(
            allocation,
            period_start=dt.date(2026, 2, 1),
            period_end=dt.date(2026, 2, 10),
            volume=D("1"),
            amount=D("60.00"),
        ),
    )
    # Up to the stop 10 days allow 3 x 10 / 7 = 4.29 hours: 4 fit, one more does not.
    assert codes(answer) == ["8004", "0000", "8011"]
    assert [e.amount for e in actuals()] == [D("240.00")]


@pytest.mark.parametrize(
    ("status", "code"),
    [(ArrangementStatus.GRANTED, "8002"), (ArrangementStatus.ALLOCATED, "8002"), (ArrangementStatus.REFUSED, "8003")],
)
def test_an_allocation_without_a_start_is_refused(world, status, code):
    allocation = allocation_create(world, status=ArrangementStatus.ALLOCATED)
    Arrangement.objects.filter(pk=allocation.pk).update(status=status)
    assert codes(declare(world, line(allocation))) == [code]
    assert not actuals().exists()


def test_another_providers_allocation_is_refused_like_a_missing_one(world, allocation):
    other = OrganisationFactory()
    other.municipalities.add(world.team.municipality)
    theirs = declare(world, line(allocation), organisation=other)
    missing = declare(world, line(allocation, allocation=str(uuid.uuid4())), organisation=other)
    assert theirs.lines[0].reason_code == missing.lines[0].reason_code == "8001"
    assert theirs.lines[0].reason == missing.lines[0].reason
    assert not actuals().exists()


def test_the_other_municipality_does_not_find_the_allocation(world, allocation):
    from tests.accounts.factories import MunicipalityFactory

    answer = declaration_receive(
        organisation=world.provider,
        municipality_id=MunicipalityFactory().pk,
        client_id="client-b",
        lines=[line(allocation)],
    )
    assert codes(answer) == ["8001"] and not actuals().exists()


def test_a_credit_reverses_an_accepted_line_exactly_once(world, allocation):
    original = line(allocation, volume=D("1.5"), amount=D("90.00"))
    declare(world, original)
    credit = line(allocation, volume=D("1.5"), amount=D("90.00"), credit_of=original.reference)
    again = line(allocation, volume=D("1.5"), amount=D("90.00"), credit_of=original.reference)
    answer = declare(world, credit, again)
    assert codes(answer) == ["0000", "8014"]
    assert codes(
        declare(world, line(allocation, volume=D("1.5"), amount=D("90.00"), credit_of=original.reference))
    ) == ["8014"]
    entries = list(actuals().order_by("pk"))
    assert [(e.kind, e.amount, e.volume) for e in entries] == [
        (EntryKind.ACTUAL, D("90.00"), D("1.50")),
        (EntryKind.CORRECTION, D("-90.00"), D("-1.50")),
    ]
    assert MonthlyRollup.objects.get(provider=world.provider, month=dt.date(2026, 2, 1)).realised == D("0.00")
    # The credited volume is free again: 12 hours fit in February.
    assert codes(declare(world, line(allocation, volume=D("12"), amount=D("720.00")))) == ["0000"]


def test_a_credit_must_match_its_original_and_name_an_accepted_line(world, allocation):
    original = line(allocation)
    refused = line(allocation, amount=D("5.00"))
    declare(world, original, refused)
    answer = declare(
        world,
        line(allocation, amount=D("60.00"), volume=D("1"), credit_of=original.reference),  # other values
        line(allocation, amount=D("5.00"), credit_of=refused.reference),  # refused original
        line(allocation, credit_of="never-sent"),
    )
    assert codes(answer) == ["8015", "8013", "8013"]
    assert actuals().count() == 1


def test_a_reference_is_declared_once(world, allocation):
    first = line(allocation)
    declare(world, first)
    answer = declare(
        world,
        line(allocation, reference=first.reference),
        line(allocation, reference="X"),
        line(allocation, reference="X"),
    )
    assert codes(answer) == ["8012", "0000", "8012"]
    assert actuals().count() == 2


def test_a_closed_budget_year_refuses_its_lines(world, allocation):
    Budget.objects.filter(municipality=world.team.municipality, year=2026).update(status=BudgetStatus.CLOSED)
    assert codes(declare(world, line(allocation))) == ["8016"]
    assert not actuals().exists()


def test_the_batch_is_audited_once_with_organisation_and_client(world, allocation):
    answer = declare(world, line(allocation), line(allocation, amount=D("1.00")))
    event = AuditEvent.objects.get(action="partner_declaration_receive")
    assert event.organisation_id == world.provider.pk and event.client == "client-a"
    assert event.target_id == str(answer.declaration.uuid)
    assert event.changes == {"lines_total": [None, "2"], "lines_accepted": [None, "1"]}
    booking = AuditEvent.objects.get(action="budget_actuals_book")
    assert booking.organisation_id == world.provider.pk and booking.client == "client-a"


def _allocations(world, n):  # type: ignore[no-untyped-def]
    """n started allocations on the world's case (bulk, like the benchmark's)."""
    template = allocation_create(world)
    Arrangement.objects.bulk_create(
        [
            Arrangement(
                case=template.case,
                member=template.member,
                item=template.item,
                provider=template.provider,
                volume=template.volume,
                unit=template.unit,
                frequency=template.frequency,
                start_date=template.start_date,
                end_date=template.end_date,
                status=ArrangementStatus.STARTED,
                requested_by=world.regisseur,
            )
            for _ in range(n - 1)
        ]
    )
    return list(Arrangement.objects.filter(case=world.case))


def test_a_batch_runs_the_same_number_of_queries_for_5_and_100_lines(world):
    allocations = _allocations(world, 100)
    declare(world, line(allocations[0]))  # the budget year and line exist from here on

    def count(n: int) -> int:
        lines = [line(a) for a in allocations[:n]]
        with CaptureQueriesContext(connection) as ctx:
            answer = declare(world, *lines)
        assert codes(answer) == ["0000"] * n
        return len(ctx.captured_queries)

    assert count(5) == count(100)
    assert actuals().count() == 1 + 5 + 100
