from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    WIJKTEAM = "wijkteam", _("Sociaal wijkteam")
    CJG = "cjg", _("Centrum voor Jeugd en Gezin")
    LOKET = "loket", _("Plein / Zorgloket")
    EXPERTISETEAM = "expertiseteam", _("Expertiseteam")


class Role(models.TextChoices):
    REGISSEUR = "regisseur", _("Regisseur")
    TEAMLEIDER = "teamleider", _("Teamleider")
    EXPERT = "expert", _("Expert")
    CONTROLLER = "controller", _("Controller")
    STAFF = "staff", _("Functioneel beheerder")


# Roles that work on case content. Only these join their team's permission group, so a
# case shared with a team never reaches its controllers or functional administrators.
CASEWORK_ROLES = frozenset({Role.REGISSEUR, Role.TEAMLEIDER, Role.EXPERT})


class OrganisationKind(models.TextChoices):
    ZORGAANBIEDER = "zorgaanbieder", _("Zorgaanbieder")
    SCHOOL = "school", _("School")
    GGD = "ggd", _("GGD")
    WONINGCORPORATIE = "woningcorporatie", _("Woningcorporatie")
    HUISARTS = "huisarts", _("Huisarts")
    OTHER = "other", _("Overig")
