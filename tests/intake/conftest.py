import datetime

import pytest

from accounts.constants import Role
from cases.constants import MemberRole, NetworkRelation
from cases.models import HouseholdMember, NetworkContact
from intake import services
from intake.constants import SignalSource
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

BSN_MOTHER = "111222333"
BSN_CHILD = "123456782"


@pytest.fixture
def regisseur(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(Role.REGISSEUR, team=team)


@pytest.fixture
def teamleider(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(Role.TEAMLEIDER, team=team)


@pytest.fixture
def mother_input():  # type: ignore[no-untyped-def]
    return services.PersonInput(
        first_name="Chantal", last_name="Jansen", birth_date=datetime.date(1991, 3, 14), bsn=BSN_MOTHER
    )


@pytest.fixture
def make_signal(regisseur, team, mother_input):  # type: ignore[no-untyped-def]
    def _make(actor=None, persons=None, **kwargs):  # type: ignore[no-untyped-def]
        return services.signal_create(
            actor=actor or regisseur,
            team=kwargs.pop("team", team),
            source=kwargs.pop("source", SignalSource.SCHOOL),
            question=kwargs.pop("question", "Kind komt vaak te laat op school."),
            persons=persons or [mother_input],
            **kwargs,
        )

    return _make


@pytest.fixture
def case_with_household(team, regisseur):  # type: ignore[no-untyped-def]
    """An open case whose household has a parent, a child and one network contact."""
    household = HouseholdFactory(municipality=team.municipality)
    child = PersonFactory(first_name="Myra", birth_date=datetime.date(2016, 9, 2), municipality=team.municipality)
    HouseholdMember.objects.create(household=household, person=child, role=MemberRole.CHILD)
    NetworkContact.objects.create(household=household, name="Oma Riet", relation=NetworkRelation.RELATIVE)
    return CaseFactory(team=team, household=household, regisseur=regisseur)
