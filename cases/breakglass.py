"""Break-glass: emergency access to a case without a share (a crisis at night).

The access is granted through socialdomain.authz (guardian view + change grants),
lasts BREAK_GLASS_HOURS (default 8), is flagged in the case's access log, reported to
the team leader(s) of the case's team once, and revoked by the periodic task
`cases.tasks.revoke_expired_break_glass` (safe to run twice).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from accounts.services import notification_send
from socialdomain import authz
from socialdomain.audit import audit_write

from . import permissions
from .models import BreakGlassAccess, Case

ALLOWED_ROLES = frozenset({Role.REGISSEUR, Role.EXPERT})
MIN_REASON_LENGTH = 10


def break_glass_active_for(*, user: User, case: Case) -> bool:
    """True while the user reads this case through an unexpired break-glass access."""
    return break_glass_access_for(user=user, case=case) is not None


def break_glass_access_for(*, user: User, case: Case) -> BreakGlassAccess | None:
    """The user's unexpired, unrevoked break-glass access to this case (latest expiry), or None.

    The case page uses it to flag its read in the access log and to show until when the
    emergency access lasts: one indexed query.
    """
    return (
        BreakGlassAccess.objects.filter(user=user, case=case, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def break_glass_find_case(*, user: User, number: str) -> Case:
    """The case with this number in one of the user's municipalities; DoesNotExist otherwise."""
    return Case.objects.get(
        number=number.strip(), team__municipality_id__in=user.memberships.values("team__municipality_id")
    )


@transaction.atomic
def break_glass_open(*, actor: User, case: Case, reason: str) -> BreakGlassAccess:
    """Give `actor` time-limited read + write access to `case` after stating a reason.

    Raises PermissionDenied for roles other than regisseur/expert, ValidationError for a
    missing or too short reason, or when the actor can already read the case.
    """
    if not (actor.roles & ALLOWED_ROLES):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Geef een reden van minstens %(n)d tekens.") % {"n": MIN_REASON_LENGTH}}, code="reason"
        )
    if permissions.can_read(actor, case):
        raise ValidationError(_("U heeft al toegang tot dit dossier."), code="has_access")
    access = BreakGlassAccess(
        case=case,
        user=actor,
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    access.full_clean()
    access.save()
    authz.grant(codename=permissions.VIEW, to=actor, obj=case)
    authz.grant(codename=permissions.CHANGE, to=actor, obj=case)
    audit_write(
        actor=actor,
        action="break_glass_open",
        obj=case,
        case_uuid=case.uuid,
        purpose=reason,
        flagged=True,
        changes={"expires_at": [None, access.expires_at.isoformat()]},
    )
    from .tasks import notify_break_glass

    notify_break_glass.delay_on_commit(access.pk)
    return access


@transaction.atomic
def break_glass_revoke_expired() -> int:
    """Tidy up every expired, unrevoked access; returns how many were revoked.

    Expiry itself is enforced by the permission check (`permissions.visible_case_ids`,
    `can_read`, `can_write`): an expired access opens nothing even before this runs.

    Rows are locked (skip_locked) so two concurrent runs never revoke the same access
    twice; a second run finds nothing left to do.
    """
    now = timezone.now()
    due = list(
        BreakGlassAccess.objects.select_for_update(skip_locked=True)
        .filter(revoked_at__isnull=True, expires_at__lte=now)
        .select_related("case", "user")
        .order_by("pk")
    )
    for access in due:
        # Tidying up only: the permission check already ignores these grants since
        # `expires_at`. Keep them while a later access of the same user to the case runs.
        still_running = BreakGlassAccess.objects.filter(
            user_id=access.user_id, case_id=access.case_id, revoked_at__isnull=True, expires_at__gt=now
        ).exists()
        if not still_running:
            authz.revoke(codename=permissions.CHANGE, frm=access.user, obj=access.case)
            authz.revoke(codename=permissions.VIEW, frm=access.user, obj=access.case)
        access.revoked_at = now
        access.save(update_fields=["revoked_at"])
        audit_write(
            actor=None,
            action="break_glass_revoke",
            obj=access.case,
            case_uuid=access.case.uuid,
            flagged=True,
            changes={"user": [access.user_id, None]},
        )
    return len(due)


@transaction.atomic
def break_glass_notify(*, access_id: int) -> bool:
    """Tell the team leader(s) of the case's team, once: by e-mail and in the application.

    Idempotent through `notified_at` under a row lock: a second run (a retried task) sends
    nothing. Only the case number and the colleague's name leave the case: no household data.
    Returns False when already done.
    """
    access = BreakGlassAccess.objects.select_for_update().select_related("case", "case__team", "user").get(pk=access_id)
    if access.notified_at is not None:
        return False
    leaders = list(
        User.objects.filter(memberships__team=access.case.team, memberships__role=Role.TEAMLEIDER)
        .distinct()
        .order_by("pk")
    )
    log_url = reverse("cases:access_log", kwargs={"uuid": access.case.uuid})
    colleague = access.user.get_full_name() or access.user.username
    recipients = [u.email for u in leaders if u.email]
    if recipients:
        send_mail(
            subject=_("Noodtoegang tot dossier %(number)s") % {"number": access.case.number},
            message=_(
                "%(user)s heeft noodtoegang genomen tot dossier %(number)s tot %(until)s. "
                "Bekijk de reden in het logboek van het dossier: %(url)s"
            )
            % {
                "user": colleague,
                "number": access.case.number,
                "until": timezone.localtime(access.expires_at).strftime("%d-%m-%Y %H:%M"),
                "url": log_url,
            },
            from_email=None,
            recipient_list=recipients,
        )
    for leader in leaders:
        notification_send(
            recipient=leader,
            text=_("%(user)s heeft noodtoegang genomen tot dossier %(number)s.")
            % {"user": colleague, "number": access.case.number},
            link=log_url,
        )
    access.notified_at = timezone.now()
    access.save(update_fields=["notified_at"])
    return True
