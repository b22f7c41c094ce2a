"""Demo retention: two old closed cases of Lochem past their period, one of them under a
legal hold, and the dry run waiting for the functioneel beheerder's approval (in the admin
at /beheer/retention/retentionrun/).

Idempotent: the old households are made once (by name), and a dry run is made only when
Lochem has no run at all yet.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, Team, User
from cases import services as case_services
from cases.constants import Line, MemberRole
from cases.models import Case, Household

from . import rules, services
from .constants import HoldReason
from .models import RetentionRun

# (household name, first name, last name, birth date, years since closing): fictional.
OLD_HOUSEHOLDS = [
    ("Huishouden Oude Kamp", "Gerrit", "Oude Kamp", dt.date(1948, 5, 2), 16),
    ("Huishouden Ten Brinke", "Aaltje", "ten Brinke", dt.date(1952, 11, 19), 17),
]
HELD = "Huishouden Ten Brinke"


def _old_case(*, team: Team, actor: User, name: str, first: str, last: str, born: dt.date, years: int) -> Case:
    case = case_services.case_open_for_new_household(
        actor=actor,
        team=team,
        regisseur=actor,
        line=Line.SECOND,
        household_name=name,
        household_address="",
        first_name=first,
        last_name=last,
        birth_date=born,
        bsn="",
        role=MemberRole.PARENT,
    )
    case_services.case_close(actor=actor, case=case, outcome="goal_reached")
    closed_on = rules.add_years(timezone.localdate(), -years)
    # The demo's archive: a case closed long ago (a service always closes today).
    Case.objects.filter(pk=case.pk).update(opened_on=closed_on - dt.timedelta(days=400), closed_on=closed_on)
    case.refresh_from_db()
    return case


@transaction.atomic
def seed() -> None:
    lochem = Municipality.objects.get(name="Lochem")
    team = Team.objects.get(name="Sociaal wijkteam Lochem")
    regisseur = User.objects.get(username="regisseur")
    for name, first, last, born, years in OLD_HOUSEHOLDS:
        if Household.objects.filter(municipality=lochem, name=name).exists():
            continue
        case = _old_case(team=team, actor=regisseur, name=name, first=first, last=last, born=born, years=years)
        if name == HELD:
            services.legal_hold_place(actor=regisseur, case=case, reason=HoldReason.OBJECTION)
    if not RetentionRun.objects.filter(municipality=lochem).exists():
        services.run_create_dry_run(municipality=lochem)
