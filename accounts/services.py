"""Writes for municipalities, teams, memberships and second factors (django-otp)."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialdomain.audit import audit_write

from . import permissions
from .constants import CASEWORK_ROLES, Role
from .models import Membership, Municipality, Notification, Team, User


@transaction.atomic
def team_create(*, municipality: Municipality, name: str, kind: str, area: str = "", actor: User | None = None) -> Team:
    """Create a team together with the permission group its shares are granted to."""
    team = Team(municipality=municipality, name=name, kind=kind, area=area)
    team_ensure_group(team=team)
    team.full_clean()
    team.save()
    audit_write(actor=actor, action="team_create", obj=team, changes={"name": [None, name], "kind": [None, kind]})
    return team


def team_ensure_group(*, team: Team) -> None:
    """Give a team built outside `team_create` (the admin's add form) its group."""
    if team.group_id is None:
        team.group = Group.objects.create(name=f"team:{team.municipality.code}:{team.name}"[:150])


@transaction.atomic
def user_sync_team_groups(*, user: User) -> None:
    """Make the user's team groups match their casework memberships (grants to teams go to groups).

    Only casework roles (regisseur, teamleider, expert) put a user in a team's group: a
    controller or functional administrator of the same team must not receive the case
    content shared with that team. A user holding both kinds of role in a team is in it.
    """
    wanted = set(
        Team.objects.filter(memberships__user=user, memberships__role__in=CASEWORK_ROLES).values_list(
            "group_id", flat=True
        )
    )
    current = set(user.groups.filter(team__isnull=False).values_list("id", flat=True))
    if wanted - current:
        user.groups.add(*(wanted - current))
    if current - wanted:
        user.groups.remove(*(current - wanted))


def _refuse_unless_allowed(*, actor: User | None, user: User, team: Team) -> None:
    # actor None: the system itself (seed data, migrations); every human change has an actor.
    if actor is not None and (reason := permissions.membership_change_denied(actor=actor, user=user, team=team)):
        raise PermissionDenied(reason)


def _membership_changes(before: Membership | None, after: Membership | None) -> dict[str, list[str | None]]:
    def values(m: Membership | None) -> dict[str, str | None]:
        if m is None:
            return {"user": None, "team": None, "role": None}
        return {"user": str(m.user.uuid), "team": str(m.team.uuid), "role": m.role}

    old, new = values(before), values(after)
    return {k: [old[k], new[k]] for k in old if old[k] != new[k]}


def _tell_team_leaders(*, teams: set[Team], text: str) -> None:
    """Tell the team leaders of `teams` about a role change (staff names only, never client data)."""
    leaders = User.objects.filter(
        memberships__team__in=teams, memberships__role=Role.TEAMLEIDER, is_active=True
    ).distinct()
    for leader in leaders:
        notification_send(recipient=leader, text=text[:NOTIFICATION_MAX])


NOTIFICATION_MAX = 200


def _role_change_text(*, user: User, team: Team, role: str, given: bool, actor: User) -> str:
    values = {"team": team.name, "user": user, "role": Role(role).label, "actor": actor}
    if given:
        return str(_("Rolwijziging: %(user)s is nu %(role)s in %(team)s (door %(actor)s).") % values)
    return str(_("Rolwijziging: %(user)s is geen %(role)s meer in %(team)s (door %(actor)s).") % values)


@transaction.atomic
def membership_add(*, user: User, team: Team, role: str, actor: User | None = None) -> Membership:
    """Give a user a role in a team; idempotent.

    With an actor (every change made by a person): refused (PermissionDenied) when the actor
    may not manage this user or team (`accounts.permissions.membership_change_denied`:
    nobody their own roles, a beheerder only their own municipality). Audited; the team's
    leaders are told.
    """
    _refuse_unless_allowed(actor=actor, user=user, team=team)
    membership, created = Membership.objects.get_or_create(user=user, team=team, role=role)
    if created:
        user_sync_team_groups(user=user)
        audit_write(actor=actor, action="membership_add", obj=membership, changes=_membership_changes(None, membership))
        if actor is not None:
            text = _role_change_text(user=user, team=team, role=role, given=True, actor=actor)
            _tell_team_leaders(teams={team}, text=text)
    return membership


@transaction.atomic
def membership_change(*, membership: Membership, user: User, team: Team, role: str, actor: User) -> Membership:
    """Change who holds a membership, in which team, or the role; checked like `membership_add`
    for both the old and the new holder and team. Audited; the leaders of both teams are told."""
    before = Membership.objects.select_related("user", "team").select_for_update().get(pk=membership.pk)
    _refuse_unless_allowed(actor=actor, user=before.user, team=before.team)
    _refuse_unless_allowed(actor=actor, user=user, team=team)
    membership.user, membership.team, membership.role = user, team, role
    membership.full_clean()
    membership.save(update_fields=["user", "team", "role"])
    for holder in {before.user, user}:
        user_sync_team_groups(user=holder)
    audit_write(
        actor=actor, action="membership_change", obj=membership, changes=_membership_changes(before, membership)
    )
    text = _role_change_text(user=user, team=team, role=role, given=True, actor=actor)
    if before.user_id != user.pk or before.team_id != team.pk:
        text = (
            _role_change_text(user=before.user, team=before.team, role=before.role, given=False, actor=actor)
            + " "
            + text
        )
    _tell_team_leaders(teams={before.team, team}, text=text)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    """Take a role away; checked like `membership_add`. Audited; the team's leaders are told
    (a leader who loses the role included)."""
    membership = Membership.objects.select_related("user", "team").select_for_update().get(pk=membership.pk)
    _refuse_unless_allowed(actor=actor, user=membership.user, team=membership.team)
    user, team, role = membership.user, membership.team, membership.role
    text = _role_change_text(user=user, team=team, role=role, given=False, actor=actor)
    leaders = set(
        User.objects.filter(memberships__team=team, memberships__role=Role.TEAMLEIDER).values_list("pk", flat=True)
    )
    audit_write(actor=actor, action="membership_remove", obj=membership, changes=_membership_changes(membership, None))
    membership.delete()
    user_sync_team_groups(user=user)
    _tell_team_leaders(teams={team}, text=text)
    if user.pk in leaders and not Membership.objects.filter(user=user, team=team, role=Role.TEAMLEIDER).exists():
        notification_send(recipient=user, text=text[:NOTIFICATION_MAX])


@transaction.atomic
def user_password_set_record(*, actor: User, user: User) -> None:
    """Audit a password set for someone in the admin and tell the leaders of their teams.

    Setting a colleague's password lets the one who set it log in as them: it is allowed
    (accounts get locked out), but never unseen. The password itself is never logged.
    """
    audit_write(actor=actor, action="user_password_set", obj=user, changes={"password": [None, "set"]})
    if actor.pk != user.pk:
        text = str(_("Wachtwoord van %(user)s opnieuw ingesteld (door %(actor)s).") % {"user": user, "actor": actor})
        _tell_team_leaders(teams=set(Team.objects.filter(memberships__user=user)), text=text)


@transaction.atomic
def user_privileges_record(*, actor: User, user: User, changes: dict[str, list[str | None]]) -> None:
    """Audit a change of a user's flags, groups or permissions made in the admin and tell the
    leaders of the user's teams. Refused (PermissionDenied) unless `actor` may change them
    (`accounts.permissions.may_change_privileges`: superusers, never on their own account).

    The admin's form saves the row (inside the admin's transaction); this runs after it, so
    a refusal rolls the whole change back.
    """
    if not changes:
        return
    privileged = {k for k in changes if k in permissions.PRIVILEGE_FIELDS}
    if privileged and not permissions.may_change_privileges(actor=actor, user=user):
        raise PermissionDenied(permissions.PRIVILEGES_DENIED)
    audit_write(actor=actor, action="user_privileges_change", obj=user, changes=changes)
    text = str(
        _("Rechten van %(user)s gewijzigd: %(fields)s (door %(actor)s).")
        % {"user": user, "fields": ", ".join(sorted(changes)), "actor": actor}
    )
    _tell_team_leaders(teams=set(Team.objects.filter(memberships__user=user)), text=text)


BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-app"
BACKUP_DEVICE_NAME = "Back-upcodes"


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating it (with a new secret) if needed.

    Idempotent so that reloading the set-up page keeps showing the same QR code. The
    device cannot be used to log in until `totp_device_confirm` accepted a token.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm an unconfirmed TOTP device with a token from the app; False if the token is wrong.

    Other unconfirmed devices of the user are removed. Throttling and replay protection
    are django-otp's (`verify_token`).
    """
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_write(actor=user, action="otp_totp_confirm", obj=device)
    return True


@transaction.atomic
def backup_codes_generate(*, user: User, count: int = BACKUP_CODE_COUNT) -> list[str]:
    """Replace the user's backup codes with `count` new single-use codes and return them.

    The codes are shown once; the old ones stop working. Codes are never logged.
    """
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_write(actor=user, action="otp_backup_codes_generate", obj=device, changes={"count": [None, count]})
    return codes


@transaction.atomic
def backup_code_use(*, user: User, code: str) -> StaticDevice | None:
    """Spend one backup code; return the device that accepted it, or None.

    A code works once: django-otp deletes the token when it matches.
    """
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None or not device.verify_token(code.strip().lower().replace(" ", "")):
        return None
    audit_write(actor=user, action="otp_backup_code_use", obj=device)
    return device


@transaction.atomic
def totp_verify(*, user: User, token: str) -> TOTPDevice | None:
    """Check a token from the authenticator app; return the device that accepted it, or None.

    django-otp throttles failures per device and refuses a token that was already used.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return None
    return device


def notification_send(*, recipient: User, text: str, link: str = "") -> Notification:
    """A short in-app message. Callers keep personal data out of `text` (a case number at most);
    the notification is a side product of an audited write, so it is not audited itself."""
    notification = Notification(recipient=recipient, text=text, link=link)
    notification.full_clean()
    notification.save()
    return notification


@transaction.atomic
def notifications_mark_read(*, actor: User) -> int:
    """Mark all of the actor's notifications read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, is_read=False).update(is_read=True)
