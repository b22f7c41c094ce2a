from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalSource(models.TextChoices):
    CITIZEN = "citizen", _("Inwoner zelf")
    SCHOOL = "school", _("School")
    GP = "gp", _("Huisarts")
    POLICE = "police", _("Politie")
    NEIGHBOUR = "neighbour", _("Buren")
    HOUSING = "housing", _("Woningcorporatie")
    CJG = "cjg", _("CJG")
    FRONT_DESK = "front_desk", _("Plein / Zorgloket")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    OTHER = "other", _("Anders")


class SignalStatus(models.TextChoices):
    NEW = "new", _("Nieuw")
    TRIAGE = "triage", _("In triage")
    WAITING = "waiting", _("Wacht op gesprek")
    DONE = "done", _("Afgehandeld")


class TriageRoute(models.TextChoices):
    ADVICE = "advice", _("Informatie en advies (eerste lijn)")
    CASE = "case", _("Naar het wijkteam: dossier en gesprek")
    SAFETY = "safety", _("Veiligheidssignaal (Meldcode)")
    ATTACHED = "attached", _("Gekoppeld aan bestaand dossier")


class AdviceOutcome(models.TextChoices):
    INFORMATION = "information", _("Informatie en advies gegeven")
    GENERAL_PROVISION = "general_provision", _("Verwezen naar een algemene voorziening")


class MeldcodeStepKind(models.IntegerChoices):
    SIGNALS = 1, _("1. Signalen in kaart brengen")
    CONSULT = 2, _("2. Collegiale consultatie en zo nodig Veilig Thuis raadplegen")
    TALK = 3, _("3. Gesprek met betrokkene")
    WEIGH = 4, _("4. Wegen van het geweld (afwegingskader)")
    DECIDE = 5, _("5. Beslissen: hulp organiseren en/of melden bij Veilig Thuis")


class Domain(models.TextChoices):
    """The self-reliance matrix (ZRM) life domains, plus parenting where children are involved."""

    FINANCES = "finances", _("Financiën")
    WORK = "work", _("Werk & opleiding")
    DAYTIME = "daytime", _("Tijdsbesteding")
    HOUSING = "housing", _("Huisvesting")
    RELATIONS = "relations", _("Huiselijke relaties")
    MENTAL = "mental", _("Geestelijke gezondheid")
    PHYSICAL = "physical", _("Lichamelijke gezondheid")
    ADDICTION = "addiction", _("Verslaving")
    ADL = "adl", _("ADL")
    NETWORK = "network", _("Sociaal netwerk")
    PARTICIPATION = "participation", _("Maatschappelijke participatie")
    JUSTICE = "justice", _("Justitie")
    PARENTING = "parenting", _("Opvoeding / ontwikkeling")


class GesprekStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    FINAL = "final", _("Definitief")


SCORE_CHOICES = [
    (1, _("1 – acute problematiek")),
    (2, _("2 – niet zelfredzaam")),
    (3, _("3 – beperkt zelfredzaam")),
    (4, _("4 – voldoende zelfredzaam")),
    (5, _("5 – volledig zelfredzaam")),
]

GOAL_THRESHOLD = 2  # scores at or below this are proposed as plan goals


# Which life domains are scored for which ages, unless a municipality sets its own bands in
# the admin (intake.DomainAgeBand; the data migration copies these for every municipality).
# (domain, min age, max age or None for no upper bound). A child is not scored on the adult
# domains (income, work, housing, addiction, ADL, participation, justice); the
# regisseur adds one for a member where it fits (a 16-year-old with a side job, say).
ADULT_AGE = 18
DEFAULT_DOMAIN_AGE_BANDS: list[tuple[str, int, int | None]] = [
    (Domain.FINANCES, ADULT_AGE, None),
    (Domain.WORK, ADULT_AGE, None),
    (Domain.DAYTIME, 0, None),
    (Domain.HOUSING, ADULT_AGE, None),
    (Domain.RELATIONS, 0, None),
    (Domain.MENTAL, 0, None),
    (Domain.PHYSICAL, 0, None),
    (Domain.ADDICTION, ADULT_AGE, None),
    (Domain.ADL, ADULT_AGE, None),
    (Domain.NETWORK, 0, None),
    (Domain.PARTICIPATION, ADULT_AGE, None),
    (Domain.JUSTICE, ADULT_AGE, None),
    (Domain.PARENTING, 0, None),  # parenting for parents, development for children
]
