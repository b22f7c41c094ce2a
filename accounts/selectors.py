"""Reads about users, teams and roles."""

from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Role
from .models import Notification, Team, User


def team_list_for_user(*, user: User, role: str | None = None) -> QuerySet[Team]:
    """Teams in which the user holds a role (any role, or the given one)."""
    qs = Team.objects.filter(memberships__user=user)
    if role:
        qs = qs.filter(memberships__role=role)
    return qs.select_related("municipality").distinct()


def user_is_functional_admin(*, user: User) -> bool:
    return user.is_superuser or user.has_role(Role.STAFF)


def user_requires_otp(*, user: User) -> bool:
    """Whether OTP_REQUIRED applies to this user: staff of the municipality, not partners.

    Anyone holding a role in a team (any Membership) or allowed into the admin counts as
    staff. Uses `user.roles`, which is cached on the request's user instance.
    """
    return bool(user.is_staff or user.is_superuser or user.roles)


def totp_device_get_for_user(*, user: User, confirmed: bool | None = True) -> TOTPDevice | None:
    """The user's TOTP device (authenticator app), or None."""
    qs = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("pk").first()


def backup_device_get_for_user(*, user: User) -> StaticDevice | None:
    """The user's backup-code device, or None."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def user_has_otp_device(*, user: User) -> bool:
    """Whether the user has a confirmed second factor they can log in with (TOTP)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def notifications_unread(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, is_read=False).order_by("-created_at")


def notifications_unread_count(*, user: User) -> int:
    """How many unread notifications the user has: one COUNT on the (recipient, is_read) index."""
    return Notification.objects.filter(recipient=user, is_read=False).count()


def notifications_recent(*, user: User, limit: int = 50) -> QuerySet[Notification]:
    """The user's latest notifications, read or not, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit]
