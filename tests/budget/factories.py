import datetime as dt
from decimal import Decimal

import factory

from arrangements.hooks import CommitmentChange, MonthAmount
from budget.models import Budget, BudgetLine, TeamCeiling
from tests.accounts.factories import MunicipalityFactory


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget
        django_get_or_create = ("municipality", "year")

    municipality = factory.SubFactory(MunicipalityFactory)
    year = 2026


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine
        django_get_or_create = ("budget", "law", "taakveld")

    budget = factory.SubFactory(BudgetFactory)
    law = "jeugdwet"
    taakveld = "6.72"
    amount = Decimal("100000.00")


class TeamCeilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamCeiling

    budget = factory.SubFactory(BudgetFactory)
    amount = Decimal("10000.00")


_ids = iter(range(1_000_000, 10_000_000))


def change(
    *,
    team,
    months: dict[tuple[int, int], str],
    arrangement_id: int | None = None,
    kind: str = "grant",
    law: str = "jeugdwet",
    taakveld: str = "6.72",
    provider_id: int | None = None,
    household_id: int = 1,
) -> CommitmentChange:
    """A CommitmentChange as the arrangements app sends it: the whole schedule after the change."""
    return CommitmentChange(
        arrangement_id=arrangement_id if arrangement_id is not None else next(_ids),
        municipality_id=team.municipality_id,
        team_id=team.pk,
        household_id=household_id,
        provider_id=provider_id,
        law=law,
        taakveld=taakveld,
        kind=kind,  # type: ignore[arg-type]
        schedule=tuple(MonthAmount(month=dt.date(y, m, 1), amount=Decimal(a)) for (y, m), a in sorted(months.items())),
    )
