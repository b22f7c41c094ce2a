import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    READ = "read", _("Inzage")
    WRITE = "write", _("Wijziging")


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

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
    case_uuid = models.UUIDField(_("dossier"), null=True, blank=True, db_index=True)
    view = models.CharField(_("scherm"), max_length=100, blank=True)
    purpose = models.CharField(_("doel"), max_length=200, blank=True)
    changes = models.JSONField(_("wijzigingen"), default=dict, blank=True)
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
