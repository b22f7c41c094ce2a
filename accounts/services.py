"""Writes for municipalities, teams, memberships and second factors (django-otp)."""

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialdomain.audit import audit_write

from .constants import CASEWORK_ROLES
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


@transaction.atomic
def membership_add(*, user: User, team: Team, role: str, actor: User | None = None) -> Membership:
    """Give a user a role in a team; idempotent."""
    membership, created = Membership.objects.get_or_create(user=user, team=team, role=role)
    if created:
        user_sync_team_groups(user=user)
        audit_write(actor=actor, action="membership_add", obj=membership, changes={"role": [None, role]})
    return membership


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
