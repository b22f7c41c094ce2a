"""A small world for the reports: Lochem with two district teams, Zutphen with one, a user of
every kind, and cases full of personal data that must never reach a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Municipality, Team, User
from cases import services as case_services
from cases.models import Case, CaseNote
from reports.periods import previous_quarter_start
from tests.accounts.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from tests.cases.factories import HouseholdFactory, PersonFactory

# Valid BSNs (11-test): 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66, and so on.
BSNS = ["111222333", "123456782", "111111110"]
NOTE_TEXT = "Vertrouwelijke notitie: schuld bij de woningcorporatie en zorgen om de oudste"


@dataclass
class ReportWorld:
    lochem: Municipality
    zutphen: Municipality
    team_a: Team
    team_b: Team
    team_z: Team
    leader_a: User
    leader_b: User
    regisseur_a: User
    expert: User
    controller_l: User
    staff_l: User
    controller_z: User
    leader_z: User
    partner: User
    cases: list[Case] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)


def _user(role: str, team: Team, **kwargs) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def reports_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    settings.REPORTS_ROOT = root
    return root


@pytest.fixture
def report_world(db, reports_root) -> ReportWorld:  # type: ignore[no-untyped-def]
    lochem = MunicipalityFactory(name="Lochem", code="0262")
    zutphen = MunicipalityFactory(name="Zutphen", code="0301")
    team_a = TeamFactory(municipality=lochem, name="Sociaal wijkteam Lochem")
    team_b = TeamFactory(municipality=lochem, name="Sociaal wijkteam Gorssel")
    team_z = TeamFactory(municipality=zutphen, name="Sociaal wijkteam Zutphen-Noord")
    loket = TeamFactory(municipality=lochem, name="Zorgloket Lochem")
    world = ReportWorld(
        lochem=lochem,
        zutphen=zutphen,
        team_a=team_a,
        team_b=team_b,
        team_z=team_z,
        leader_a=_user(Role.TEAMLEIDER, team_a),
        leader_b=_user(Role.TEAMLEIDER, team_b),
        regisseur_a=_user(Role.REGISSEUR, team_a),
        expert=_user(Role.EXPERT, TeamFactory(municipality=lochem, expertise=True)),
        controller_l=_user(Role.CONTROLLER, team_a),
        staff_l=_user(Role.STAFF, loket),
        controller_z=_user(Role.CONTROLLER, team_z),
        leader_z=_user(Role.TEAMLEIDER, team_z),
        partner=UserFactory(organisation=OrganisationFactory()),
    )
    last_quarter = previous_quarter_start(timezone.localdate())
    for i in range(12):
        first, last = f"Zwaantje{i}", f"Oosterbroek{i}"
        birth = dt.date(1971 + i, 3, 14)
        person = PersonFactory(municipality=lochem, first_name=first, last_name=last, birth_date=birth)
        if i < len(BSNS):
            person.set_bsn(BSNS[i])
            person.save()
        household = HouseholdFactory(municipality=lochem, name=f"Huishouden Oosterbroek{i}", members=False)
        case_services.member_add(actor=world.regisseur_a, household=household, person=person, role="parent")
        case = case_services.case_open(
            actor=world.regisseur_a, household=household, team=team_a, regisseur=world.regisseur_a
        )
        CaseNote.objects.create(case=case, author=world.regisseur_a, text=f"{NOTE_TEXT} ({i})")
        if i < 11:  # most were opened last quarter (the quarterly report), one this quarter
            Case.objects.filter(pk=case.pk).update(opened_on=last_quarter + dt.timedelta(days=10))
        world.cases.append(case)
        world.secrets += [first, last, household.name, case.number, birth.isoformat(), birth.strftime("%d-%m-%Y")]
    world.secrets += [*BSNS, NOTE_TEXT]
    return world
