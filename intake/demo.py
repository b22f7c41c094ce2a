"""Demo intake: a school's signal about Myra (Chantal's daughter) waiting in the inbox
of Sociaal wijkteam Lochem. Idempotent; works with or without cases.demo."""

import datetime
from typing import TypedDict

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, Team, User
from cases import selectors as case_selectors
from cases import services as case_services
from cases.constants import MemberRole, NetworkRelation

from . import services
from .constants import SignalSource
from .models import Signal

TEAM = "Sociaal wijkteam Lochem"
SCHOOL = "Basisschool De Wegwijzer"


class PersonSpec(TypedDict):
    first_name: str
    last_name: str
    birth_date: datetime.date
    bsn: str


# Demo-only BSNs that pass the 11-test.
CHANTAL: PersonSpec = {
    "first_name": "Chantal",
    "last_name": "Jansen",
    "birth_date": datetime.date(1991, 3, 14),
    "bsn": "111222333",
}
MYRA: PersonSpec = {
    "first_name": "Myra",
    "last_name": "Jansen",
    "birth_date": datetime.date(2016, 9, 2),
    "bsn": "123456782",
}


@transaction.atomic
def seed() -> None:
    for municipality in Municipality.objects.all():
        services.domain_age_bands_ensure_defaults(actor=None, municipality=municipality)
    team = Team.objects.select_related("municipality").get(name=TEAM, municipality__name="Lochem")
    actor = User.objects.get(username="regisseur")
    household = case_selectors.household_find_by_name(municipality_id=team.municipality_id, name_contains="Chantal")
    if household is None:
        household = case_services.household_create(
            actor=actor, municipality_id=team.municipality_id, name="Gezin van Chantal", address="Lochem"
        )
    members = list(case_selectors.household_members(household=household))
    chantal = next((m.person for m in members if m.person.first_name == "Chantal"), None)
    myra = next((m.person for m in members if m.person.first_name == "Myra"), None)
    if chantal is None:
        chantal, _ = case_services.person_get_or_create(actor=actor, municipality_id=team.municipality_id, **CHANTAL)
        case_services.member_add(actor=actor, household=household, person=chantal, role=MemberRole.PARENT)
    if myra is None:
        myra, _ = case_services.person_get_or_create(actor=actor, municipality_id=team.municipality_id, **MYRA)
        case_services.member_add(actor=actor, household=household, person=myra, role=MemberRole.CHILD)
    if not household.network.exists():
        from cases.models import NetworkContact

        NetworkContact.objects.create(household=household, name="Oma Riet", relation=NetworkRelation.RELATIVE)
    if Signal.objects.filter(team=team, source=SignalSource.SCHOOL, reporter_name=SCHOOL).exists():
        return
    signal = services.signal_create(
        actor=actor,
        team=team,
        source=SignalSource.SCHOOL,
        question=(
            "Myra komt de laatste weken vaak te laat en zonder ontbijt op school. Ze is stil in de klas. "
            "Moeder geeft aan dat het thuis 'even veel' is sinds de scheiding."
        ),
        reporter_name=SCHOOL,
        reporter_contact="Intern begeleider, 0573-000000",
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        persons=[
            services.PersonInput(first_name=p.first_name, last_name=p.last_name, birth_date=p.birth_date, bsn=p.bsn)
            for p in (myra, chantal)
        ],
    )
    if signal.case_id is not None:
        # The household already has an open case (from cases.demo): the demo signal must
        # wait for triage, so keep it unlinked; triage will attach it to that case.
        Signal.objects.filter(pk=signal.pk).update(case=None, route="", status="new")
