"""Demo organisation: municipalities, teams and one user per role. Demo-only passwords."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from . import services
from .constants import OrganisationKind, Role, TeamKind
from .models import Municipality, Organisation, Team, User

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - documented demo-only password

MUNICIPALITIES = [("Lochem", "0262"), ("Zutphen", "0301")]

TEAMS = {
    "Lochem": [
        ("Sociaal wijkteam Lochem", TeamKind.WIJKTEAM, "Lochem-stad"),
        ("Sociaal wijkteam Gorssel", TeamKind.WIJKTEAM, "Gorssel en Eefde"),
        ("CJG Lochem", TeamKind.CJG, "gemeente Lochem"),
        ("Zorgloket Lochem", TeamKind.LOKET, "gemeente Lochem"),
        ("Expertiseteam Lochem", TeamKind.EXPERTISETEAM, "gemeente Lochem"),
    ],
    "Zutphen": [
        ("Sociaal wijkteam Zutphen-Noord", TeamKind.WIJKTEAM, "Noordveen en De Hoven"),
        ("CJG Zutphen", TeamKind.CJG, "gemeente Zutphen"),
        ("Het Plein Zutphen", TeamKind.LOKET, "gemeente Zutphen"),
        ("Expertiseteam Zutphen", TeamKind.EXPERTISETEAM, "gemeente Zutphen"),
    ],
}

# username, first name, last name, municipality, team, role
USERS = [
    ("regisseur", "Anne", "de Vries", "Lochem", "Sociaal wijkteam Lochem", Role.REGISSEUR),
    ("collega", "Bram", "Jansen", "Lochem", "Sociaal wijkteam Lochem", Role.REGISSEUR),
    ("teamleider", "Carla", "Bosman", "Lochem", "Sociaal wijkteam Lochem", Role.TEAMLEIDER),
    ("expert", "Dirk", "Mulder", "Lochem", "Expertiseteam Lochem", Role.EXPERT),
    ("controller", "Hilde", "Smit", "Lochem", "Sociaal wijkteam Lochem", Role.CONTROLLER),
    ("beheerder", "Erik", "Visser", "Lochem", "Zorgloket Lochem", Role.STAFF),
    ("regisseur.zutphen", "Fatima", "El Amrani", "Zutphen", "Sociaal wijkteam Zutphen-Noord", Role.REGISSEUR),
    ("teamleider.zutphen", "Gerrit", "Hendriks", "Zutphen", "Sociaal wijkteam Zutphen-Noord", Role.TEAMLEIDER),
    ("controller.zutphen", "Ilse", "Dekker", "Zutphen", "Het Plein Zutphen", Role.CONTROLLER),
]

ORGANISATIONS = [
    ("Zorgaanbieder De Berkel", OrganisationKind.ZORGAANBIEDER, "Lochem", "Zutphen"),
    ("Basisschool De Wegwijzer", OrganisationKind.SCHOOL, "Lochem"),
    ("GGD Noord- en Oost-Gelderland", OrganisationKind.GGD, "Lochem", "Zutphen"),
    ("Woonstichting De Woonplaats", OrganisationKind.WONINGCORPORATIE, "Zutphen"),
]

FUNCTIONAL_ADMIN_GROUP = "Functioneel beheer"
# (app label, model): what the functional administrator keeps in the admin.
FUNCTIONAL_ADMIN_MODELS = [
    ("accounts", "municipality"),
    ("accounts", "team"),
    ("accounts", "membership"),
    ("accounts", "user"),
    ("accounts", "organisation"),
    ("audit", "auditevent"),
    ("intake", "domainageband"),
    # The single budget: staff keep budgets, lines, ceilings and reallocations, and enter actuals.
    ("budget", "budget"),
    ("budget", "budgetline"),
    ("budget", "teamceiling"),
    ("budget", "reallocation"),
    ("budget", "ledgerentry"),
    # The arrangements catalogue (also granted by arrangements.demo, CATALOGUE_ADMIN_MODELS).
    ("arrangements", "catalogueitem"),
    ("arrangements", "tariff"),
    ("arrangements", "mandate"),
    # The partner API's clients (create and revoke; partners/admin.py).
    ("partners", "apiclient"),
    # Retention (docs/retention.md): periods, the dry runs to approve, legal holds, anonymous totals.
    ("retention", "retentionpolicy"),
    ("retention", "retentionrun"),
    ("retention", "legalhold"),
    ("retention", "closedcaseaggregate"),
    # When the quarterly report is made (reports/admin.py); never django-celery-beat's own models.
    ("reports", "quarterlyschedule"),
]


def functional_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=FUNCTIONAL_ADMIN_GROUP)
    query = Q()
    for app_label, model in FUNCTIONAL_ADMIN_MODELS:
        query |= Q(content_type__app_label=app_label, content_type__model=model)
    perms = Permission.objects.filter(query)
    group.permissions.set(perms)
    return group


@transaction.atomic
def seed_organisation() -> dict[str, User]:
    """Idempotent: running it twice changes nothing."""
    municipalities = {
        name: Municipality.objects.get_or_create(name=name, defaults={"code": code})[0] for name, code in MUNICIPALITIES
    }
    teams: dict[str, Team] = {}
    for mname, rows in TEAMS.items():
        for name, kind, area in rows:
            team = Team.objects.filter(municipality=municipalities[mname], name=name).first()
            if team is None:
                team = services.team_create(municipality=municipalities[mname], name=name, kind=kind, area=area)
            teams[name] = team
    for name, org_kind, *mnames in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": org_kind})
        org.municipalities.add(*(municipalities[m] for m in mnames))
    admin_group = functional_admin_group()
    users: dict[str, User] = {}
    for username, first, last, _mname, team_name, role in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.invalid")
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.STAFF
            user.save()
        if role == Role.STAFF:
            user.groups.add(admin_group)
        services.membership_add(user=user, team=teams[team_name], role=role)
        users[username] = user
    return users
