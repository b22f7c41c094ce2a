"""Subject access (AVG art. 15) and restriction of processing (AVG art. 18).

`SubjectAccessExport` is a run row: municipality staff start it for one person, a Celery
task fills in the PDF and the JSON (the page polls its progress), and after
`EXPORT_RETENTION_DAYS` a beat task empties both files and marks it expired.
`ProcessingRestriction` is the history of the restriction flag on `cases.Person`
(`processing_restricted` / `restricted_since` hold the current state). See
docs/subject-access.md.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialdomain import validators as v

# How long a finished export stays downloadable; after that its files are deleted.
EXPORT_RETENTION_DAYS = 30


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("In de wachtrij")
    RUNNING = "running", _("Wordt gemaakt")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")
    EXPIRED = "expired", _("Verlopen")


class SubjectAccessExport(models.Model):
    """One export of everything stored about one person, for an AVG art. 15 request.

    The files live in the database (BinaryField), not on a shared disk: they are backed up,
    protected and removed exactly like the records they come from. The person is CASCADE:
    when retention removes a person, their exports go too.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="subject_access_exports", verbose_name=_("persoon")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("aangevraagd door")
    )
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    data = models.BinaryField(_("JSON"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    expires_at = models.DateTimeField(_("verloopt op"))
    expired_at = models.DateTimeField(_("verlopen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("inzageverzoek")
        verbose_name_plural = _("inzageverzoeken")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["expires_at"], name="sar_export_due", condition=Q(expired_at__isnull=True)),
            models.Index(fields=["municipality", "-created_at"], name="sar_export_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="sar_export_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{_('Inzageverzoek')} {str(self.uuid)[:8]}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)


class RestrictionReason(models.TextChoices):
    """The grounds of AVG art. 18(1)."""

    ACCURACY = "accuracy", _("De juistheid van de gegevens wordt betwist (art. 18 lid 1a)")
    UNLAWFUL = "unlawful", _("Onrechtmatige verwerking, beperking in plaats van wissen (art. 18 lid 1b)")
    LEGAL_CLAIM = "legal_claim", _("Nodig voor een rechtsvordering (art. 18 lid 1c)")
    OBJECTION = "objection", _("Bezwaar tegen de verwerking in behandeling (art. 18 lid 1d)")


class LiftReason(models.TextChoices):
    RESOLVED = "resolved", _("De reden voor de beperking is vervallen")
    CORRECTED = "corrected", _("De gegevens zijn gecontroleerd of gecorrigeerd")
    OBJECTION_DECIDED = "objection_decided", _("Op het bezwaar is beslist")
    PERSON_REQUEST = "person_request", _("Op verzoek van de betrokkene")


NOTE_MAX = 500


class RectifyReason(models.TextChoices):
    """Why person data was corrected (the audit event's purpose: no free text in the log)."""

    REQUEST = "request", _("Verzoek van de betrokkene (AVG art. 16)")
    REGISTRATION_ERROR = "registration_error", _("Fout bij de registratie")
    BRP = "brp", _("Gegevens volgens de BRP")


class ProcessingRestriction(models.Model):
    """One period of restriction of processing of one person (set, and later lifted)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "cases.Person", on_delete=models.CASCADE, related_name="processing_restrictions", verbose_name=_("persoon")
    )
    reason = models.CharField(_("reden"), max_length=16, choices=RestrictionReason.choices)
    note = models.CharField(
        _("toelichting"), max_length=NOTE_MAX, blank=True, validators=[v.no_control_characters_multiline]
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("beperkt sinds"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    lift_reason = models.CharField(_("reden opheffen"), max_length=20, choices=LiftReason.choices, blank=True)
    lift_note = models.CharField(
        _("toelichting bij opheffen"), max_length=NOTE_MAX, blank=True, validators=[v.no_control_characters_multiline]
    )

    class Meta:
        verbose_name = _("beperking van de verwerking")
        verbose_name_plural = _("beperkingen van de verwerking")
        ordering = ["-set_at"]
        constraints = [
            # At most one running restriction per person (set twice = one row).
            models.UniqueConstraint(
                fields=["person"], condition=Q(lifted_at__isnull=True), name="restriction_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="restriction_lift_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Beperking')} #{self.pk}"
