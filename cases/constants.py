from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    PARENT = "parent", _("Ouder / verzorger")
    CHILD = "child", _("Kind")
    OTHER = "other", _("Overig")


class NetworkRelation(models.TextChoices):
    RELATIVE = "relative", _("Familie")
    NEIGHBOUR = "neighbour", _("Buren")
    FRIEND = "friend", _("Vriend(in)")
    VOLUNTEER = "volunteer", _("Vrijwilliger")
    PROFESSIONAL = "professional", _("Professional")


class Line(models.TextChoices):
    FIRST = "eerste", _("Eerste lijn")
    SECOND = "tweede", _("Tweede lijn")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Gesloten")


class CaseOutcome(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("Doelen bereikt")
    HANDED_BACK = "handed_back", _("Afgeschaald naar lichtere ondersteuning")
    REFERRED = "referred", _("Overgedragen aan andere organisatie")
    MOVED = "moved", _("Verhuisd")
    WITHDRAWN = "withdrawn", _("Hulp niet meer gewenst")
    OTHER = "other", _("Anders")


class RegisseurChangeReason(models.TextChoices):
    INITIAL = "initial", _("Eerste toewijzing")
    EXPERTISE = "expertise", _("Andere expertise nodig")
    NO_CLICK = "no_click", _("Geen klik")
    LEAVE = "leave", _("Verlof of vertrek")
    TEAM_CHANGE = "team_change", _("Wisseling van team")


class Access(models.TextChoices):
    """What a share gives: read along ("meelezen") or also record ("registreren")."""

    READ = "read", _("Meelezen")
    WRITE = "write", _("Registreren")


class ConsentPurpose(models.TextChoices):
    PARTNER = "partner", _("Delen met partnerorganisatie")
    SCHOOL = "school", _("Delen met school")
    GP = "gp", _("Delen met huisarts")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Mondeling")
    WRITTEN = "written", _("Schriftelijk")
