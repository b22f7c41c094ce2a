"""Demo catalogue, mandates, arrangements and escalations for Lochem and Zutphen.

Idempotent: items are found by (municipality, name), mandates by (team, role), and the
demo arrangements are only made for a household that has none yet. Everything bound to
a case goes through the services (audited, budget hook called). Tariffs and product
codes are realistic in size and form, not any municipality's real prices.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts.constants import OrganisationKind, Role
from accounts.models import Municipality, Organisation, Team, User
from cases.models import Case

from . import services
from .constants import Frequency, Law, ProvisionKind, Taakveld, Unit
from .models import Arrangement, CatalogueItem, Mandate, Tariff

W, J, P = Law.WMO, Law.JEUGDWET, Law.PARTICIPATIEWET
G, M = ProvisionKind.GENERAL, ProvisionKind.MAATWERK

PROVIDERS = [
    ("Zorgaanbieder De Berkel", OrganisationKind.ZORGAANBIEDER, ["Lochem", "Zutphen"]),
    ("Sensire thuiszorg", OrganisationKind.ZORGAANBIEDER, ["Lochem", "Zutphen"]),
    ("Jeugdhulp IJsselvallei", OrganisationKind.ZORGAANBIEDER, ["Lochem", "Zutphen"]),
    ("Humanitas Achterhoek", OrganisationKind.OTHER, ["Lochem"]),
    ("Welzijn Zutphen", OrganisationKind.OTHER, ["Zutphen"]),
    ("Werkbedrijf Stedendriehoek", OrganisationKind.OTHER, ["Lochem", "Zutphen"]),
    ("Huishoudelijke Hulp Oost", OrganisationKind.ZORGAANBIEDER, ["Lochem", "Zutphen"]),
    ("GGZ Graafschap", OrganisationKind.ZORGAANBIEDER, ["Lochem", "Zutphen"]),
]

# name, law, kind, indication, category, code, unit, frequency, zin, pgb, taakveld, bsn, tariff, providers
ITEMS: list[tuple] = [
    # general provisions (the social map): no tariff, no decision
    (
        "Buurthuis en ontmoeting",
        W,
        G,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_1,
        False,
        None,
        ["Humanitas Achterhoek", "Welzijn Zutphen"],
    ),
    (
        "Maatjesproject",
        W,
        G,
        False,
        "",
        "",
        Unit.HOUR,
        Frequency.PER_WEEK,
        True,
        False,
        Taakveld.T6_1,
        False,
        None,
        ["Humanitas Achterhoek", "Welzijn Zutphen"],
    ),
    (
        "Schuldhulp-spreekuur",
        P,
        G,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_2,
        False,
        None,
        ["Humanitas Achterhoek", "Welzijn Zutphen"],
    ),
    (
        "Mantelzorgondersteuning",
        W,
        G,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_1,
        False,
        None,
        [],
    ),
    (
        "Opvoedspreekuur CJG",
        J,
        G,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_2,
        False,
        None,
        [],
    ),
    (
        "Boodschappenplusbus",
        W,
        G,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_1,
        False,
        None,
        [],
    ),
    ("Taalcafé", P, G, False, "", "", Unit.HOUR, Frequency.PER_WEEK, True, False, Taakveld.T6_1, False, None, []),
    # Wmo 2015 maatwerk
    (
        "Huishoudelijke ondersteuning",
        W,
        M,
        False,
        "01",
        "01A01",
        Unit.HOUR,
        Frequency.PER_WEEK,
        True,
        True,
        Taakveld.T6_6,
        True,
        "31.20",
        ["Huishoudelijke Hulp Oost", "Sensire thuiszorg"],
    ),
    (
        "Begeleiding individueel",
        W,
        M,
        False,
        "02",
        "02A02",
        Unit.HOUR,
        Frequency.PER_WEEK,
        True,
        True,
        Taakveld.T6_71,
        True,
        "64.80",
        ["Zorgaanbieder De Berkel", "Sensire thuiszorg", "GGZ Graafschap"],
    ),
    (
        "Begeleiding groep (dagbesteding)",
        W,
        M,
        False,
        "03",
        "03A03",
        Unit.DAYPART,
        Frequency.PER_WEEK,
        True,
        True,
        Taakveld.T6_71,
        True,
        "48.50",
        ["Zorgaanbieder De Berkel"],
    ),
    (
        "Kortdurend verblijf",
        W,
        M,
        True,
        "04",
        "04A01",
        Unit.DAY24,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_71,
        True,
        "152.00",
        ["Zorgaanbieder De Berkel"],
    ),
    (
        "Beschermd wonen",
        W,
        M,
        True,
        "05",
        "05A04",
        Unit.DAY24,
        Frequency.PER_MONTH,
        True,
        True,
        Taakveld.T6_81,
        True,
        "128.40",
        ["GGZ Graafschap"],
    ),
    (
        "Maatschappelijke opvang",
        W,
        M,
        True,
        "05",
        "05A10",
        Unit.DAY24,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_81,
        True,
        "96.00",
        ["GGZ Graafschap"],
    ),
    (
        "Woningaanpassing (traplift)",
        W,
        M,
        True,
        "",
        "",
        Unit.EURO,
        Frequency.WHOLE_PERIOD,
        True,
        True,
        Taakveld.T6_6,
        False,
        "1.00",
        ["Sensire thuiszorg"],
    ),
    (
        "Rolstoel (in bruikleen)",
        W,
        M,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_6,
        False,
        "1450.00",
        ["Sensire thuiszorg"],
    ),
    (
        "Vervoersvoorziening (regiotaxi)",
        W,
        M,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_6,
        False,
        "42.00",
        ["Sensire thuiszorg"],
    ),
    (
        "Cliëntondersteuning specialistisch",
        W,
        M,
        False,
        "02",
        "02A10",
        Unit.HOUR,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_71,
        True,
        "72.00",
        ["Humanitas Achterhoek", "Welzijn Zutphen"],
    ),
    # Jeugdwet maatwerk
    (
        "Jeugdhulp ambulant individueel",
        J,
        M,
        False,
        "45",
        "45A48",
        Unit.HOUR,
        Frequency.PER_WEEK,
        True,
        True,
        Taakveld.T6_72,
        True,
        "84.60",
        ["Jeugdhulp IJsselvallei"],
    ),
    (
        "Jeugdhulp ambulant gezinsgericht",
        J,
        M,
        False,
        "45",
        "45A53",
        Unit.HOUR,
        Frequency.PER_WEEK,
        True,
        True,
        Taakveld.T6_72,
        True,
        "89.90",
        ["Jeugdhulp IJsselvallei"],
    ),
    (
        "Dagbehandeling jeugd",
        J,
        M,
        True,
        "46",
        "46A02",
        Unit.DAYPART,
        Frequency.PER_WEEK,
        True,
        False,
        Taakveld.T6_72,
        True,
        "118.00",
        ["Jeugdhulp IJsselvallei"],
    ),
    (
        "Pleegzorg",
        J,
        M,
        True,
        "43",
        "43A01",
        Unit.DAY24,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_72,
        True,
        "64.20",
        ["Jeugdhulp IJsselvallei"],
    ),
    (
        "Jeugd-GGZ specialistisch",
        J,
        M,
        True,
        "54",
        "54001",
        Unit.MINUTE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_72,
        True,
        "2.35",
        ["GGZ Graafschap"],
    ),
    (
        "Logeeropvang jeugd",
        J,
        M,
        False,
        "45",
        "45A20",
        Unit.DAY24,
        Frequency.PER_MONTH,
        True,
        True,
        Taakveld.T6_72,
        True,
        "165.00",
        ["Jeugdhulp IJsselvallei"],
    ),
    (
        "Jeugdbescherming (gezinsvoogdij)",
        J,
        M,
        True,
        "47",
        "47A01",
        Unit.DAY24,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_82,
        True,
        "42.80",
        ["Jeugdhulp IJsselvallei"],
    ),
    # Participatiewet maatwerk
    (
        "Loonkostensubsidie",
        P,
        M,
        False,
        "",
        "",
        Unit.EURO,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_5,
        True,
        "1.00",
        ["Werkbedrijf Stedendriehoek"],
    ),
    (
        "Loondispensatie (tijdelijke extra ondersteuning)",
        P,
        M,
        False,
        "",
        "",
        Unit.EURO,
        Frequency.PER_MONTH,
        True,
        False,
        Taakveld.T6_5,
        True,
        "1.00",
        ["Werkbedrijf Stedendriehoek"],
    ),
    (
        "Jobcoaching",
        P,
        M,
        False,
        "",
        "",
        Unit.HOUR,
        Frequency.PER_WEEK,
        True,
        False,
        Taakveld.T6_5,
        True,
        "82.00",
        ["Werkbedrijf Stedendriehoek"],
    ),
    (
        "Beschut werk",
        P,
        M,
        True,
        "",
        "",
        Unit.DAYPART,
        Frequency.PER_WEEK,
        True,
        False,
        Taakveld.T6_4,
        True,
        "38.00",
        ["Werkbedrijf Stedendriehoek"],
    ),
    (
        "Bijzondere bijstand (eenmalig)",
        P,
        M,
        False,
        "",
        "",
        Unit.EURO,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_3,
        True,
        "1.00",
        [],
    ),
    (
        "Schuldhulpverlening (traject)",
        P,
        M,
        False,
        "",
        "",
        Unit.PIECE,
        Frequency.WHOLE_PERIOD,
        True,
        False,
        Taakveld.T6_3,
        True,
        "1850.00",
        ["Humanitas Achterhoek", "Welzijn Zutphen"],
    ),
]

# The items a regisseur of a district team may grant without the expert team.
WIJKTEAM_MANDATE = [
    "Huishoudelijke ondersteuning",
    "Begeleiding individueel",
    "Begeleiding groep (dagbesteding)",
    "Rolstoel (in bruikleen)",
    "Vervoersvoorziening (regiotaxi)",
    "Cliëntondersteuning specialistisch",
    "Jeugdhulp ambulant individueel",
    "Jeugdhulp ambulant gezinsgericht",
    "Logeeropvang jeugd",
    "Schuldhulpverlening (traject)",
    "Bijzondere bijstand (eenmalig)",
]
# The front desk's klantmanager (seed 003): work-and-income measures, temporary extra support.
LOKET_MANDATE = ["Loondispensatie (tijdelijke extra ondersteuning)", "Jobcoaching", "Bijzondere bijstand (eenmalig)"]

CATALOGUE_ADMIN_MODELS = ["catalogueitem", "tariff", "mandate"]


def _providers() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    municipalities = {m.name: m for m in Municipality.objects.all()}
    for name, kind, mnames in PROVIDERS:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        org.municipalities.add(*(municipalities[m] for m in mnames if m in municipalities))
        orgs[name] = org
    return orgs


def _catalogue(municipality: Municipality, orgs: dict[str, Organisation]) -> dict[str, CatalogueItem]:
    items: dict[str, CatalogueItem] = {}
    # Tariffs from the start of last year, raised (indexed) on 1 January of this year: a
    # demo of a tariff change that never rewrites the past.
    year = timezone.localdate().year
    for name, law, kind, indication, category, code, unit, freq, zin, pgb, taakveld, bsn, tariff, providers in ITEMS:
        item, created = CatalogueItem.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={
                "law": law,
                "kind": kind,
                "indication_required": indication,
                "product_category": category,
                "product_code": code,
                "unit": unit,
                "frequency": freq,
                "zin_allowed": zin,
                "pgb_allowed": pgb,
                "taakveld": taakveld,
                "bsn_required": bsn,
            },
        )
        item.providers.add(*(orgs[p] for p in providers if municipality in orgs[p].municipalities.all()))
        if created and tariff is not None:
            new = Decimal(tariff)
            old = new if unit == Unit.EURO else (new / Decimal("1.03")).quantize(Decimal("0.01"))
            if new == old:
                Tariff.objects.create(item=item, amount=new, valid_from=dt.date(year - 1, 1, 1))
            else:
                until = dt.date(year - 1, 12, 31)
                Tariff.objects.create(item=item, amount=old, valid_from=dt.date(year - 1, 1, 1), valid_until=until)
                Tariff.objects.create(item=item, amount=new, valid_from=dt.date(year, 1, 1))
        items[name] = item
    return items


def _mandate(
    team: Team, items: dict[str, CatalogueItem], names: list[str], max_one: str, max_year: str, note: str
) -> None:
    mandate, _ = Mandate.objects.get_or_create(
        team=team,
        role=Role.REGISSEUR,
        defaults={"max_per_arrangement": Decimal(max_one), "max_per_household_year": Decimal(max_year), "note": note},
    )
    mandate.items.add(*(items[n] for n in names))


def _grant_staff_permissions() -> None:
    from accounts.demo import functional_admin_group

    group = functional_admin_group()
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="arrangements", content_type__model__in=CATALOGUE_ADMIN_MODELS
        )
    )


def _start(days_from_first: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(day=1) + dt.timedelta(days=days_from_first)


def _demo_case(household_name: str) -> Case | None:
    return (
        Case.objects.open()
        .filter(household__name=household_name)
        .select_related("team", "regisseur", "household")
        .first()
    )


def _arrangements_for(
    case: Case, items: dict[str, CatalogueItem], orgs: dict[str, Organisation], expert: User | None
) -> None:
    """A few arrangements and escalations in every state (skipped when the case has some)."""
    if Arrangement.objects.filter(case=case).exists():
        return
    regisseur = case.regisseur
    members = list(case.household.members.select_related("person").order_by("pk"))
    parent, child = members[0], members[-1]
    start = _start()

    def grant(name: str, provider: str | None, volume: str | None, weeks: int = 12, member=parent, **kw):  # type: ignore[no-untyped-def]
        return services.arrangement_grant(
            actor=regisseur,
            case=case,
            item=items[name],
            member=member,
            provider=orgs[provider] if provider else None,
            volume=Decimal(volume) if volume else None,
            start_date=start,
            end_date=start + dt.timedelta(weeks=weeks) if volume else None,
            delivery_form="zin" if volume else "",
            **kw,
        )

    grant("Maatjesproject", None, None, contribution="Oma Ria en een maatje van Humanitas, wekelijks.")
    granted = grant("Huishoudelijke ondersteuning", "Huishoudelijke Hulp Oost", "2")
    allocated = grant("Vervoersvoorziening (regiotaxi)", "Sensire thuiszorg", "4")
    services.arrangement_allocate(actor=regisseur, arrangement=allocated)
    started = grant("Begeleiding individueel", "Zorgaanbieder De Berkel", "1.5")
    services.arrangement_allocate(actor=regisseur, arrangement=started)
    services.arrangement_start(actor=regisseur, arrangement=started)
    stopped = grant(
        "Cliëntondersteuning specialistisch",
        "Humanitas Achterhoek" if case.team.municipality.name == "Lochem" else "Welzijn Zutphen",
        "6",
        weeks=4,
    )
    services.arrangement_stop(
        actor=regisseur, arrangement=stopped, stop_date=start + dt.timedelta(days=14), reason="goal_reached"
    )
    services.arrangement_mark_insufficient(
        actor=regisseur, arrangement=granted, note="De aanbieder meldt dat twee uur per week niet meer volstaat."
    )
    del granted
    if expert is None:
        return
    team = services.expert_teams_for_case(case=case).first()
    jeugd = "Jeugdhulp IJsselvallei"

    def escalate(name: str, volume: str, question: str, member=child):  # type: ignore[no-untyped-def]
        return services.arrangement_request_and_escalate(
            actor=regisseur,
            case=case,
            item=items[name],
            member=member,
            provider=orgs[jeugd if name != "Kortdurend verblijf" else "Zorgaanbieder De Berkel"],
            volume=Decimal(volume),
            start_date=start + dt.timedelta(days=7),
            end_date=start + dt.timedelta(days=7 + 26 * 7),
            delivery_form="zin",
            expert_team=team,
            question=question,
            assigned_expert=expert,
        )

    # requested, with an open escalation (the expert's queue)
    escalate("Dagbehandeling jeugd", "4", "Myra kan na schooltijd niet zonder dagbehandeling; graag een indicatie.")
    # granted through a decision
    decided = escalate(
        "Jeugdhulp ambulant gezinsgericht", "3", "Gezinsgerichte hulp boven mijn mandaat; graag een besluit."
    )
    services.escalation_decide(
        actor=expert,
        escalation=decided,
        granted=True,
        legal_basis="artikel 2.3 Jeugdwet",
        motivation=(
            "Uit het gesprek en de rapportage van school blijkt dat gezinsgerichte hulp nodig is; "
            "het netwerk kan dit niet dragen."
        ),
    )
    # refused through a decision
    refused = escalate("Pleegzorg", "30", "Tijdelijke pleegzorg tijdens de opname van moeder?")
    services.escalation_decide(
        actor=expert,
        escalation=refused,
        granted=False,
        legal_basis="artikel 2.3 Jeugdwet",
        motivation="Oma kan de zorg tijdens de opname dragen met steun van het wijkteam; pleegzorg is niet nodig.",
    )
    # advice, and a case taken over then handed back
    advice = services.escalation_open(
        actor=regisseur,
        case=case,
        expert_team=team,
        reason="advice",
        urgency="normal",
        question="Hoe pakken we de schulden en de zorg om de kinderen samen aan?",
        assigned_expert=expert,
    )
    services.escalation_advise(
        actor=expert, escalation=advice, advice="Eerst schuldhulp en rust; daarna opvoedondersteuning."
    )
    over = services.escalation_open(
        actor=regisseur,
        case=case,
        expert_team=team,
        reason="eviction",
        urgency="high",
        question="Huisuitzetting dreigt over drie weken.",
        assigned_expert=expert,
    )
    services.escalation_take_over(actor=expert, escalation=over)
    kept = services.escalation_open(
        actor=regisseur,
        case=case,
        expert_team=team,
        reason="care_avoidance",
        urgency="normal",
        question="Vader mijdt alle zorg; het expertiseteam neemt de regie tijdelijk over.",
        assigned_expert=expert,
    )
    services.escalation_take_over(actor=expert, escalation=kept)  # stays open, taken over
    services.escalation_hand_back(
        actor=expert, escalation=over, advice="Betalingsregeling getroffen; terug naar het wijkteam."
    )


@transaction.atomic
def seed() -> None:
    _grant_staff_permissions()
    orgs = _providers()
    for municipality in Municipality.objects.filter(name__in=["Lochem", "Zutphen"]):
        items = _catalogue(municipality, orgs)
        for team in municipality.teams.all():
            if team.kind in ("wijkteam", "cjg"):
                _mandate(
                    team, items, WIJKTEAM_MANDATE, "2500.00", "6000.00", "Mandaat van de regisseur in het wijkteam."
                )
            elif team.kind == "loket":
                _mandate(
                    team, items, LOKET_MANDATE, "1500.00", "3000.00", "Klantmanager: tijdelijke extra ondersteuning."
                )
        expert = User.objects.filter(
            memberships__team__municipality=municipality, memberships__role=Role.EXPERT
        ).first()
        for name in DEMO_HOUSEHOLDS.get(municipality.name, []):
            case = _demo_case(name)
            if case is not None and case.household.members.count() >= 1:
                _arrangements_for(case, items, orgs, expert)


# The browser test's household ("Gezin Chantal en Myra") is left for the regisseur to request
# a provision on; the demo arrangements are on the regisseur's other households.
DEMO_HOUSEHOLDS = {"Lochem": ["Gezin Joosje", "Huishouden Jasper"], "Zutphen": ["Gezin Yilmaz"]}
