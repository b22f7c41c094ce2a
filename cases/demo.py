"""Demo cases (fictional households after the stories in the policy papers).

Idempotent: a household that already exists (by name, per municipality) is skipped.
Everything goes through the services, so numbers, history and audit are real.
"""

import datetime
from typing import TypedDict

from django.db import transaction

from accounts.models import Organisation, Team, User

from . import services
from .constants import Access, ConsentMethod, ConsentPurpose, Line, MemberRole, NetworkRelation
from .models import Household


class HouseholdSpec(TypedDict):
    name: str
    address: str
    team: str
    regisseur: str  # username
    line: Line
    members: list[tuple[str, str, datetime.date, str, MemberRole]]  # first name, last name, birth date, BSN, role
    network: list[tuple[str, NetworkRelation, str, str]]  # name, relation, organisation, note
    notes: list[str]
    consent: tuple[ConsentPurpose, str] | None  # purpose, organisation name ("" for none)
    shares: list[tuple[str, Access]]  # username, access


# BSNs below are test numbers that pass the 11-test (cases.bsn.is_valid_bsn); fictional.
HOUSEHOLDS: list[HouseholdSpec] = [
    {
        "name": "Gezin Chantal en Myra",
        "address": "Molenstraat 12, Lochem",
        "team": "Sociaal wijkteam Lochem",
        "regisseur": "regisseur",
        "line": Line.SECOND,
        "members": [
            ("Chantal", "Bakker", datetime.date(1991, 4, 3), "999990019", MemberRole.PARENT),
            ("Myra", "Bakker", datetime.date(2013, 9, 21), "999990020", MemberRole.CHILD),
        ],
        "network": [("Oma Ria", NetworkRelation.RELATIVE, "", "Past op woensdag op Myra.")],
        "notes": [
            "Keukentafelgesprek gehad met Chantal. Schulden en zorgen over Myra op school.",
            "Afspraak met de intern begeleider van de school gepland.",
        ],
        "consent": (ConsentPurpose.SCHOOL, "Basisschool De Wegwijzer"),
        "shares": [],
    },
    {
        "name": "Gezin Joosje",
        "address": "Nieuweweg 4, Lochem",
        "team": "Sociaal wijkteam Lochem",
        "regisseur": "collega",
        "line": Line.SECOND,
        "members": [
            ("Joosje", "Meijer", datetime.date(1984, 1, 15), "999990032", MemberRole.PARENT),
            ("Sem", "Meijer", datetime.date(2010, 6, 2), "", MemberRole.CHILD),
        ],
        "network": [("Buurvrouw Els", NetworkRelation.NEIGHBOUR, "", "")],
        "notes": ["Joosje vraagt hulp bij de opvoeding en bij werk zoeken."],
        "consent": (ConsentPurpose.PARTNER, "Zorgaanbieder De Berkel"),
        "shares": [("regisseur", Access.WRITE)],
    },
    {
        "name": "Huishouden Jasper",
        "address": "Oosterstraat 30, Lochem",
        "team": "Sociaal wijkteam Lochem",
        "regisseur": "regisseur",
        "line": Line.FIRST,
        "members": [("Jasper", "de Boer", datetime.date(1999, 11, 8), "999990044", MemberRole.OTHER)],
        "network": [],
        "notes": ["Jasper zoekt dagbesteding; algemene voorziening besproken."],
        "consent": None,
        "shares": [("expert", Access.READ)],
    },
    {
        "name": "Huishouden Jaap",
        "address": "Kerkhofweg 7, Lochem",
        "team": "Sociaal wijkteam Lochem",
        "regisseur": "collega",
        "line": Line.SECOND,
        "members": [("Jaap", "Wolters", datetime.date(1948, 2, 29), "999990056", MemberRole.OTHER)],
        "network": [("Dochter Ineke", NetworkRelation.RELATIVE, "", "Doet de boodschappen.")],
        "notes": ["Jaap woont alleen; mantelzorg door dochter raakt overbelast."],
        "consent": (ConsentPurpose.GP, ""),
        "shares": [],
    },
    {
        "name": "Gezin Yilmaz",
        "address": "Rijkenhage 15, Zutphen",
        "team": "Sociaal wijkteam Zutphen-Noord",
        "regisseur": "regisseur.zutphen",
        "line": Line.SECOND,
        "members": [
            ("Ayse", "Yilmaz", datetime.date(1987, 7, 12), "999990068", MemberRole.PARENT),
            ("Emre", "Yilmaz", datetime.date(2015, 3, 30), "999990081", MemberRole.CHILD),
        ],
        "network": [],
        "notes": ["Aanmelding via Het Plein: dreigende huisuitzetting."],
        "consent": (ConsentPurpose.PARTNER, "Woonstichting De Woonplaats"),
        "shares": [],
    },
]


@transaction.atomic
def seed() -> None:
    users = {
        u.username: u for u in User.objects.filter(username__in={"regisseur", "collega", "expert", "regisseur.zutphen"})
    }
    for spec in HOUSEHOLDS:
        team = Team.objects.get(name=spec["team"])
        if Household.objects.filter(municipality_id=team.municipality_id, name=spec["name"]).exists():
            continue
        actor = users[spec["regisseur"]]
        first, *others = spec["members"]
        case = services.case_open_for_new_household(
            actor=actor,
            team=team,
            regisseur=actor,
            line=spec["line"],
            household_name=spec["name"],
            household_address=spec["address"],
            first_name=first[0],
            last_name=first[1],
            birth_date=first[2],
            bsn=first[3],
            role=first[4],
        )
        for first_name, last_name, birth_date, bsn, role in others:
            services.member_add_to_case(
                actor=actor,
                case=case,
                first_name=first_name,
                last_name=last_name,
                birth_date=birth_date,
                bsn=bsn,
                role=role,
            )
        for name, relation, organisation, note in spec["network"]:
            services.network_contact_add(
                actor=actor, case=case, name=name, relation=relation, organisation=organisation, note=note
            )
        for text in spec["notes"]:
            services.note_add(actor=actor, case=case, text=text)
        if spec["consent"]:
            purpose, org_name = spec["consent"]
            consent = services.consent_record(
                actor=actor,
                case=case,
                member=case.household.members.earliest("id"),
                purpose=purpose,
                given=True,
                method=ConsentMethod.WRITTEN,
                organisation=Organisation.objects.filter(name=org_name).first() if org_name else None,
            )
            if purpose == ConsentPurpose.SCHOOL:
                # Consent over time: the school consent was withdrawn by phone (its history shows both).
                services.consent_change(
                    actor=actor,
                    case=case,
                    current=consent,
                    given=False,
                    method=ConsentMethod.VERBAL,
                    date=consent.date,
                )
        for username, access in spec["shares"]:
            services.case_share(actor=actor, case=case, user=users[username], access=access)
