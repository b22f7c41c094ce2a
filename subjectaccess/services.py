"""Writes of subject access (AVG art. 15), rectification (art. 16) and restriction (art. 18).

Every function is keyword-only, atomic, takes the acting staff member and writes one audit
event with ground `AccessGround.SUBJECT_ACCESS` (docs/subject-access.md). They refuse
(PermissionDenied) anyone who is not municipality staff of the person's municipality.
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AccessGround
from cases.models import Case, Person
from socialdomain.audit import audit_read, audit_write, changes_between
from socialdomain.pdf import render_pdf

from . import permissions
from .export import person_export_data
from .models import (
    EXPORT_RETENTION_DAYS,
    ExportStatus,
    LiftReason,
    ProcessingRestriction,
    RectifyReason,
    RestrictionReason,
    SubjectAccessExport,
)

logger = logging.getLogger(__name__)

GROUND = AccessGround.SUBJECT_ACCESS


def _require_staff(actor: User, person: Person) -> None:
    if not permissions.is_staff_for(user=actor, municipality_id=person.municipality_id):
        raise PermissionDenied


def person_read_log(*, actor: User, person: Person, view: str) -> None:
    """Log that `actor` looked at `person` on a subject-access screen (NEN 7513)."""
    audit_read(actor=actor, obj=person, case_uuid=None, view=view, ground=GROUND, purpose="AVG")


# --- Subject access (art. 15) --------------------------------------------------------------


@transaction.atomic
def export_start(*, actor: User, person: Person) -> SubjectAccessExport:
    """Start an export of everything stored about `person`; the task runs after commit.

    The export is audited on the person (`subject_access_export`); the task later writes
    one read entry per case it reads, so each case's own access log shows it too.
    """
    _require_staff(actor, person)
    now = timezone.now()
    export = SubjectAccessExport(
        municipality_id=person.municipality_id,
        person=person,
        requested_by=actor,
        expires_at=now + datetime.timedelta(days=EXPORT_RETENTION_DAYS),
    )
    export.full_clean()
    export.save()
    audit_write(actor=actor, action="subject_access_export", obj=person, ground=GROUND, purpose="AVG art. 15")

    from .tasks import build_subject_access_export

    transaction.on_commit(lambda: build_subject_access_export.delay(export.pk))
    return export


def _set_progress(export_id: int, percent: int) -> None:
    SubjectAccessExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(progress=min(percent, 99))


def export_build(*, export_id: int) -> None:
    """Fill the export's PDF and JSON (the Celery task's work). Safe to run twice: a finished
    or expired export is left alone; a run that crashed halfway is simply done again."""
    claimed = SubjectAccessExport.objects.filter(
        pk=export_id, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]
    ).update(status=ExportStatus.RUNNING, progress=1)
    if not claimed:
        return
    export = SubjectAccessExport.objects.select_related("person__municipality", "requested_by").get(pk=export_id)
    try:
        data = person_export_data(person=export.person, progress=lambda p: _set_progress(export_id, p))
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        pdf = render_pdf(template_name="subjectaccess/export_pdf.html", context={"data": data, "export": export})
    except Exception:
        SubjectAccessExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, finished_at=timezone.now())
        logger.exception("subject-access export %s failed", export_id)
        return
    with transaction.atomic():
        locked = SubjectAccessExport.objects.select_for_update().get(pk=export_id)
        if locked.status != ExportStatus.RUNNING:
            return
        locked.pdf, locked.data = pdf, body
        locked.status, locked.progress, locked.finished_at = ExportStatus.DONE, 100, timezone.now()
        locked.save(update_fields=["pdf", "data", "status", "progress", "finished_at"])
        # Each case that was read for the export gets its own read entry (its access log).
        case_rows = Case.objects.filter(household__members__person_id=export.person_id).distinct()
        for case in case_rows.only("pk", "uuid", "number"):
            audit_read(
                actor=export.requested_by,
                obj=case,
                case_uuid=case.uuid,
                view="subjectaccess:export",
                ground=GROUND,
                purpose="AVG art. 15",
            )


def export_download_log(*, actor: User, export: SubjectAccessExport, kind: str) -> None:
    """Log a download of the export's PDF or JSON (`kind`: "pdf" | "json")."""
    audit_read(
        actor=actor,
        obj=export.person,
        case_uuid=None,
        view=f"subjectaccess:export_{kind}",
        ground=GROUND,
        purpose="AVG art. 15",
    )


@transaction.atomic
def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past `expires_at` and mark them expired (idempotent).

    Rows are locked (skip locked: two beat runs never do one row twice); each expiry is
    audited on the export (no content). Returns how many expired now.
    """
    now = now or timezone.now()
    due = (
        SubjectAccessExport.objects.select_for_update(skip_locked=True)
        .filter(expires_at__lte=now, expired_at__isnull=True)
        .order_by("pk")
        .defer("pdf", "data")
    )
    count = 0
    for export in due:
        export.pdf = None
        export.data = None
        export.status = ExportStatus.EXPIRED
        export.expired_at = now
        export.save(update_fields=["pdf", "data", "status", "expired_at"])
        audit_write(actor=None, action="subject_access_expire", obj=export, ground=GROUND)
        count += 1
    return count


# --- Rectification (art. 16) --------------------------------------------------------------

RECTIFY_FIELDS = ("first_name", "last_name", "birth_date", "address")


@transaction.atomic
def person_rectify(
    *,
    actor: User,
    person: Person,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    address: str,
    reason: str,
) -> Person:
    """Correct a person's name, birth date or address, keeping the old values.

    The audit event `person_rectify` holds {field: [old, new]} for exactly the changed
    fields: the only audit action whose `changes` carry personal values, so that the old
    value stays retrievable (in the subject-access export, by municipality staff) while
    the admin's log shows only the field names. Raises ValidationError when nothing changes
    or a value is invalid, PermissionDenied for anyone but staff of the municipality.
    """
    _require_staff(actor, person)
    if reason not in RectifyReason.values:
        raise ValidationError({"reason": _("Kies een reden voor de correctie.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before: dict[str, Any] = {f: getattr(person, f) for f in RECTIFY_FIELDS}
    after: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": birth_date,
        "address": address,
    }
    changes = changes_between(before, after)
    if not changes:
        raise ValidationError(_("Er is niets gewijzigd."))
    for field, value in after.items():
        setattr(person, field, value)
    person.full_clean()
    person.save(update_fields=[*changes, "updated_at"])
    audit_write(
        actor=actor,
        action="person_rectify",
        obj=person,
        changes={f: [_as_text(old), _as_text(new)] for f, (old, new) in changes.items()},
        ground=GROUND,
        purpose=reason,
    )
    return person


def _as_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value or "")


# --- Restriction of processing (art. 18) --------------------------------------------------


@transaction.atomic
def person_restrict(*, actor: User, person: Person, reason: str, note: str = "") -> ProcessingRestriction:
    """Restrict processing of `person`: partner API and reports leave them out until lifted.

    Sets `Person.processing_restricted` / `restricted_since`, opens a ProcessingRestriction
    row and writes `person_restrict` (purpose: the art. 18(1) ground). ValidationError
    when already restricted or for an unknown reason.
    """
    _require_staff(actor, person)
    if reason not in RestrictionReason.values:
        raise ValidationError({"reason": _("Kies een reden voor de beperking.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.processing_restricted:
        raise ValidationError(_("De verwerking van deze persoon is al beperkt."))
    now = timezone.now()
    restriction = ProcessingRestriction(person=person, reason=reason, note=note, set_by=actor, set_at=now)
    restriction.full_clean()
    restriction.save()
    person.processing_restricted = True
    person.restricted_since = now
    person.save(update_fields=["processing_restricted", "restricted_since", "updated_at"])
    audit_write(
        actor=actor,
        action="person_restrict",
        obj=person,
        changes={"processing_restricted": [False, True]},
        ground=GROUND,
        purpose=reason,
    )
    return restriction


@transaction.atomic
def person_restriction_lift(*, actor: User, person: Person, reason: str, note: str = "") -> ProcessingRestriction:
    """Lift the restriction of `person` (the history row stays, with who, when and why)."""
    _require_staff(actor, person)
    if reason not in LiftReason.values:
        raise ValidationError({"reason": _("Kies een reden om de beperking op te heffen.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    restriction = ProcessingRestriction.objects.filter(person=person, lifted_at__isnull=True).first()
    if not person.processing_restricted or restriction is None:
        raise ValidationError(_("De verwerking van deze persoon is niet beperkt."))
    now = timezone.now()
    restriction.lifted_at, restriction.lifted_by = now, actor
    restriction.lift_reason, restriction.lift_note = reason, note
    restriction.full_clean()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "lift_note"])
    person.processing_restricted = False
    person.restricted_since = None
    person.save(update_fields=["processing_restricted", "restricted_since", "updated_at"])
    audit_write(
        actor=actor,
        action="person_restriction_lift",
        obj=person,
        changes={"processing_restricted": [True, False]},
        ground=GROUND,
        purpose=reason,
    )
    return restriction


__all__ = [
    "export_build",
    "export_download_log",
    "export_start",
    "exports_expire",
    "person_read_log",
    "person_rectify",
    "person_restrict",
    "person_restriction_lift",
]
