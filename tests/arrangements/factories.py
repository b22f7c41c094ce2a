import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from accounts.constants import Role
from accounts.models import Organisation, Team, User
from arrangements.constants import Frequency, Law, ProvisionKind, Taakveld, Unit
from arrangements.models import CatalogueItem, Mandate, Tariff
from cases.models import Case
from tests.accounts.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.cases.factories import CaseFactory


def item_create(
    municipality, *, name="Begeleiding individueel", tariff="60.00", providers=(), **kwargs
) -> CatalogueItem:  # type: ignore[no-untyped-def]
    defaults = {
        "law": Law.WMO,
        "kind": ProvisionKind.MAATWERK,
        "unit": Unit.HOUR,
        "frequency": Frequency.PER_WEEK,
        "taakveld": Taakveld.T6_6,
        "zin_allowed": True,
        "pgb_allowed": True,
    }
    item = CatalogueItem.objects.create(municipality=municipality, name=name, **(defaults | kwargs))
    item.providers.add(*providers)
    if tariff is not None and item.kind == ProvisionKind.MAATWERK:
        Tariff.objects.create(item=item, amount=Decimal(tariff), valid_from=dt.date(2020, 1, 1))
    return item


@dataclass
class World:
    team: Team
    expert_team: Team
    regisseur: User
    expert: User
    provider: Organisation
    item: CatalogueItem
    mandate: Mandate
    case: Case

    @property
    def member(self):  # type: ignore[no-untyped-def]
        return self.case.household.members.first()


def world_create(*, max_per_arrangement="5000.00", max_per_year="10000.00") -> World:
    team = TeamFactory()
    municipality = team.municipality
    expert_team = TeamFactory(municipality=municipality, expertise=True)
    regisseur = UserFactory(first_name="Anne", last_name="Regisseur")
    MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
    expert = UserFactory(first_name="Dirk", last_name="Expert")
    MembershipFactory(user=expert, team=expert_team, role=Role.EXPERT)
    provider = OrganisationFactory()
    provider.municipalities.add(municipality)
    item = item_create(municipality, providers=[provider])
    mandate = Mandate.objects.create(
        team=team,
        role=Role.REGISSEUR,
        max_per_arrangement=Decimal(max_per_arrangement),
        max_per_household_year=Decimal(max_per_year),
    )
    mandate.items.add(item)
    case = CaseFactory(team=team, regisseur=regisseur)
    return World(team, expert_team, regisseur, expert, provider, item, mandate, case)
