"""Record types, default retention periods and statuses (docs/retention.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    """What a retention period is set for.

    A case is kept as a whole (its household's content: gesprekken and scores, plans,
    arrangements, escalations and decisions, notes, consents, Meldcode steps, linked
    signals); which period applies follows from the law it falls under
    (`retention.rules.case_law`).
    """

    CASE_JEUGD = "case_jeugd", _("Dossier Jeugdwet")
    CASE_WMO = "case_wmo", _("Dossier Wmo 2015")
    CASE_PARTICIPATIE = "case_participatie", _("Dossier Participatiewet")
    SIGNAL_ADVICE = "signal_advice", _("Aanmelding afgehandeld met advies")
    AUDIT_EVENT = "audit_event", _("Logregel (NEN 7513)")


CASE_TYPES = (RecordType.CASE_JEUGD, RecordType.CASE_WMO, RecordType.CASE_PARTICIPATIE)

# Default periods in years, used for a municipality without its own setting.
DEFAULT_YEARS: dict[str, int] = {
    # Jeugdwet art. 7.3.8: 20 years after the end of care (or longer, if good care requires).
    RecordType.CASE_JEUGD: 20,
    # No statutory term: a documented default, each municipality sets its own (its own
    # selectielijst decision under the Archiefwet). 15 years after closing is common practice.
    RecordType.CASE_WMO: 15,
    RecordType.CASE_PARTICIPATIE: 15,
    # A question answered with information or advice (first line): 1 year.
    RecordType.SIGNAL_ADVICE: 1,
    # NEN 7513: the access log at least 5 years.
    RecordType.AUDIT_EVENT: 5,
}

# The law sets a floor under these: a municipality may keep longer, never shorter.
MINIMUM_YEARS: dict[str, int] = {
    RecordType.CASE_JEUGD: 20,
    RecordType.AUDIT_EVENT: 5,
}
MAXIMUM_YEARS = 100

# Strictest wins: with equal periods the first of these counts (for the anonymous aggregate).
LAW_PRECEDENCE = (RecordType.CASE_JEUGD, RecordType.CASE_PARTICIPATIE, RecordType.CASE_WMO)

# Members younger than this on the day the case opened make it a Jeugdwet case.
MINOR_AGE = 18


class RunStatus(models.TextChoices):
    DRY_RUN = "dry_run", _("Proefrun: wacht op goedkeuring")
    APPROVED = "approved", _("Goedgekeurd")
    RUNNING = "running", _("Bezig met verwijderen")
    DONE = "done", _("Klaar")
    REJECTED = "rejected", _("Afgewezen")


OPEN_RUN_STATUSES = (RunStatus.DRY_RUN, RunStatus.APPROVED, RunStatus.RUNNING)


class ItemState(models.TextChoices):
    PENDING = "pending", _("Te verwijderen")
    DONE = "done", _("Verwijderd")
    SKIPPED = "skipped", _("Overgeslagen (bewaarplicht of niet meer verlopen)")


class HoldReason(models.TextChoices):
    OBJECTION = "objection", _("Bezwaar of beroep")
    COURT = "court", _("Rechtszaak")
    VEILIG_THUIS = "veilig_thuis", _("Onderzoek Veilig Thuis")
    OTHER = "other", _("Andere wettelijke grond")
