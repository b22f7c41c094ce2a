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


class ProvisionKind(models.TextChoices):
    GENERAL = "general", _("Algemene voorziening (vrij toegankelijk)")
    MAATWERK = "maatwerk", _("Maatwerkvoorziening")


class Unit(models.TextChoices):
    """Units of the iWmo/iJw standard (a subset: the ones a catalogue needs)."""

    MINUTE = "minute", _("minuut")
    HOUR = "hour", _("uur")
    DAYPART = "daypart", _("dagdeel")
    DAY24 = "day24", _("etmaal (24 uur)")
    PIECE = "piece", _("stuk")
    EURO = "euro", _("euro")


class Frequency(models.TextChoices):
    PER_WEEK = "week", _("per week")
    PER_MONTH = "month", _("per maand")
    WHOLE_PERIOD = "period", _("voor de hele periode")


class ExecutionVariant(models.TextChoices):
    """How an allocation is paid (iWmo/iJw uitvoeringsvariant)."""

    INSPANNINGSGERICHT = "inspanningsgericht", _("Inspanningsgericht (eenheden × tarief)")
    OUTPUTGERICHT = "outputgericht", _("Outputgericht (per product)")
    TAAKGERICHT = "taakgericht", _("Taakgericht (vast bedrag per periode)")


class DeliveryForm(models.TextChoices):
    ZIN = "zin", _("Zorg in natura (ZIN)")
    PGB = "pgb", _("Persoonsgebonden budget (PGB)")


class ArrangementStatus(models.TextChoices):
    REQUESTED = "requested", _("Aangevraagd")
    GRANTED = "granted", _("Toegekend")
    ALLOCATED = "allocated", _("Toegewezen aan aanbieder")
    STARTED = "started", _("Gestart")
    STOPPED = "stopped", _("Beëindigd")
    REFUSED = "refused", _("Afgewezen")


# Statuses whose cost counts as committed (for the household's yearly total and the budget).
COMMITTED_STATUSES = frozenset({ArrangementStatus.GRANTED, ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED})
RUNNING_STATUSES = COMMITTED_STATUSES


class StopReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("Doel bereikt")
    NO_LONGER_NEEDED = "not_needed", _("Niet meer nodig")
    OTHER_PROVISION = "other_provision", _("Andere voorziening passender")
    MOVED = "moved", _("Verhuisd")
    DECEASED = "deceased", _("Overleden")
    PROVIDER = "provider", _("Aanbieder stopt")
    OTHER = "other", _("Anders")


class EscalationReason(models.TextChoices):
    ADVICE = "advice", _("Advies")
    SPECIALIST = "specialist", _("Specialistische ondersteuning")
    BEYOND_MANDATE = "beyond_mandate", _("Besluit buiten mandaat")
    HOMELESSNESS = "homelessness", _("Multiprobleem-plus: dakloosheid")
    DETENTION_AFTERCARE = "detention", _("Multiprobleem-plus: nazorg na detentie")
    EVICTION = "eviction", _("Multiprobleem-plus: huisuitzetting")
    DOMESTIC_VIOLENCE = "huisverbod", _("Multiprobleem-plus: huiselijk geweld met huisverbod")
    CARE_AVOIDANCE = "care_avoidance", _("Multiprobleem-plus: zorgmijding")
    COMPULSORY_CARE = "compulsory", _("Multiprobleem-plus: drang en dwang")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normaal")
    HIGH = "high", _("Hoog")
    SAFETY = "safety", _("Veiligheid (dezelfde dag)")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TAKEN_OVER = "taken_over", _("Overgenomen door het expertiseteam")
    CLOSED = "closed", _("Afgesloten")


OPEN_ESCALATION_STATUSES = frozenset({EscalationStatus.OPEN, EscalationStatus.TAKEN_OVER})


class EscalationOutcome(models.TextChoices):
    ADVICE = "advice", _("Advies gegeven")
    GRANTED = "granted", _("Indicatie toegekend")
    REFUSED = "refused", _("Indicatie afgewezen")
    HANDED_BACK = "handed_back", _("Teruggegeven aan het wijkteam (afschalen)")


class CeilingApprovalStatus(models.TextChoices):
    """The team leader's approval of a grant beyond the team's budget ceiling."""

    PENDING = "pending", _("Wacht op de teamleider")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")
