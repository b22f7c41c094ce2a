from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    """The life of one plan version: a draft is agreed, then runs, then is evaluated."""

    DRAFT = "draft", _("Concept")
    AGREED = "agreed", _("Akkoord met het gezin")
    ACTIVE = "active", _("Lopend")
    EVALUATED = "evaluated", _("Geëvalueerd")


# Versions in these states are the agreement with the household: never changed again
# (service, admin and, on PostgreSQL, a trigger; see plan/migrations/0002_*).
FROZEN_STATUSES = (PlanStatus.AGREED, PlanStatus.ACTIVE, PlanStatus.EVALUATED)


class AgreementMethod(models.TextChoices):
    PAPER = "paper", _("Op papier ondertekend")
    VERBAL = "verbal", _("Mondeling")
    DIGITAL = "digital", _("Digitaal")


class OwnerKind(models.TextChoices):
    """Who carries out an action: the solution ladder, from own strength to professionals."""

    MEMBER = "member", _("Gezinslid")
    NETWORK = "network", _("Netwerk")
    ORGANISATION = "organisation", _("Partnerorganisatie")
    REGISSEUR = "regisseur", _("Regisseur")
    COLLEAGUE = "colleague", _("Collega")


class GoalOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("Bereikt")
    PARTLY = "partly", _("Deels bereikt")
    NOT_ACHIEVED = "not_achieved", _("Niet bereikt")


class Rung(models.IntegerChoices):
    """The participatieladder (seed 004)."""

    ISOLATION = 1, _("1 – Geïsoleerd")
    SOCIAL = 2, _("2 – Sociale contacten buiten huis")
    ACTIVITIES = 3, _("3 – Deelname aan georganiseerde activiteiten")
    UNPAID = 4, _("4 – Onbetaald werk")
    SUPPORTED = 5, _("5 – Betaald werk met ondersteuning")
    PAID = 6, _("6 – Betaald werk")


class MeasurementSource(models.TextChoices):
    GESPREK = "gesprek", _("Gesprek")
    EVALUATION = "evaluation", _("Evaluatie")


ADULT_AGE = 18
DEFAULT_EVALUATION_MONTHS = 3
QUESTIONNAIRE_VALID_DAYS = 30

# The five questions of the client-experience questionnaire (seeds 001, 004).
QUESTIONS = [
    ("q_ours", _("Het plan is echt van ons: het gaat over wat wij willen bereiken.")),
    ("q_reachable", _("Onze regisseur is goed bereikbaar.")),
    ("q_fit", _("De hulp past bij wat wij nodig hebben.")),
    ("q_better", _("Het gaat nu beter dan voor de hulp.")),
    ("q_recommend", _("Ik zou deze hulp aanraden aan anderen.")),
]
ANSWER_CHOICES = [
    (1, _("1 – helemaal niet mee eens")),
    (2, _("2 – niet mee eens")),
    (3, _("3 – neutraal")),
    (4, _("4 – mee eens")),
    (5, _("5 – helemaal mee eens")),
]
