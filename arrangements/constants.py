"""Choices shared by arrangements and the budget (which books on law and Iv3 taakveld)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Law(models.TextChoices):
    WMO = "wmo", _("Wmo 2015")
    JEUGDWET = "jeugdwet", _("Jeugdwet")
    PARTICIPATIEWET = "participatiewet", _("Participatiewet")
    OTHER = "other", _("Overig")


class Taakveld(models.TextChoices):
    """Iv3 taakvelden of the social domain (national budget classification)."""

    T6_1 = "6.1", _("6.1 Samenkracht en burgerparticipatie")
    T6_2 = "6.2", _("6.2 Toegang en eerstelijnsvoorzieningen")
    T6_3 = "6.3", _("6.3 Inkomensregelingen")
    T6_4 = "6.4", _("6.4 WSW en beschut werk")
    T6_5 = "6.5", _("6.5 Arbeidsparticipatie")
    T6_6 = "6.6", _("6.6 Maatwerkvoorzieningen (Wmo)")
    T6_71 = "6.71", _("6.71 Maatwerkdienstverlening 18+")
    T6_72 = "6.72", _("6.72 Maatwerkdienstverlening 18-")
    T6_81 = "6.81", _("6.81 Geëscaleerde zorg 18+")
    T6_82 = "6.82", _("6.82 Geëscaleerde zorg 18-")
