import uuid

import uuid6
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def event_uuid() -> uuid.UUID:
    """A time-ordered UUID (version 7) for a new entry: the log only grows, so its unique
    index takes each new id at its right-hand end instead of on a random page (a random
    uuid4 made every logged read write, and after a checkpoint copy whole, another page of
    that index: docs/performance.md). Still unguessable: 74 random bits."""
    return uuid.UUID(int=uuid6.uuid7().int)


class EventKind(models.TextChoices):
    READ = "read", _("Inzage")
    WRITE = "write", _("Wijziging")


class AccessGround(models.TextChoices):
    """On what ground a record was reached (NEN 7513): every read carries one."""

    REGISSEUR = "regisseur", _("Regisseur van het dossier")
    TEAM = "team", _("Lid van het team van het dossier")
    SHARE = "share", _("Gedeeld dossier")
    TEAM_LEADER = "team_leader", _("Teamleider")
    ESCALATION = "escalation", _("Expertteam (escalatie)")
    BREAK_GLASS = "break_glass", _("Noodtoegang (break-glass)")
    PARTNER_ALLOCATION = "partner_allocation", _("Toewijzing aan de aanbieder")
    PARTNER_CONSENT = "partner_consent", _("Toestemming voor delen met de aanbieder")
    SUBJECT_ACCESS = "subject_access", _("Inzageverzoek (AVG art. 15)")
    RETENTION = "retention", _("Bewaartermijn")
    ADMINISTRATION = "administration", _("Functioneel beheer")
    REPORT = "report", _("Geanonimiseerde rapportage (teamleider, controller of beheer)")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit log is append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One read or write of (case) data. Append-only: never updated, never deleted.

    Holds identifiers only (public ids, field names); personal data are not copied here
    beyond what `changes` records for non-sensitive fields (see socialdomain/audit.py).
    """

    uuid = models.UUIDField(default=event_uuid, unique=True, editable=False)
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    kind = models.CharField(_("soort"), max_length=8, choices=EventKind.choices)
    action = models.CharField(_("handeling"), max_length=64)
    target_type = models.CharField(_("soort gegeven"), max_length=64)
    target_id = models.CharField(_("kenmerk"), max_length=64)
    # Looked up through `audit_case_recent` (case_uuid, -created_at), whose first column serves
    # "all of a case" too: a second index on case_uuid alone only cost every logged read a
    # write to another random page (docs/performance.md, "The partner API's allocation list").
    case_uuid = models.UUIDField(_("dossier"), null=True, blank=True)
    view = models.CharField(_("scherm"), max_length=100, blank=True)
    purpose = models.CharField(_("doel"), max_length=200, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)
    ground = models.CharField(_("grondslag"), max_length=24, choices=AccessGround.choices, blank=True)
    # API access: the partner organisation and the OAuth client (its client_id) that acted.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    client = models.CharField(_("API-client"), max_length=100, blank=True)
    flagged = models.BooleanField(_("gemarkeerd"), default=False, help_text=_("Bijvoorbeeld toegang via break-glass."))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("logregel")
        verbose_name_plural = _("logboek")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case_uuid", "-created_at"], name="audit_case_recent")]

    def __str__(self) -> str:
        from django.utils import timezone

        from .labels import action_label, target_label

        at = timezone.localtime(self.created_at)
        return f"{at:%d-%m-%Y %H:%M} {action_label(self.action)} – {target_label(self.target_type)}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit log is append-only.")
