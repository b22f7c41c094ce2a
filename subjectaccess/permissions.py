"""Who handles subject-access requests, rectification and restriction: municipality staff.

The functioneel beheerder (role `staff` in a team) acts for the municipality as data
controller, for the persons of the municipalities in which they hold that role. Nobody
else (regisseurs, team leaders, controllers, staff of the other municipality, superusers
without that role) reaches these pages or files: they answer 404.
"""

from typing import Any

from django.db.models import QuerySet

from accounts.constants import Role
from accounts.models import Municipality, User


def staff_municipalities(*, user: User) -> "QuerySet[Municipality, Any]":
    """The municipalities for which `user` handles subject-access requests."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Municipality.objects.none()
    return Municipality.objects.filter(teams__memberships__user=user, teams__memberships__role=Role.STAFF).distinct()


def is_staff_for(*, user: User, municipality_id: int) -> bool:
    return staff_municipalities(user=user).filter(pk=municipality_id).exists()


def may_use(*, user: User) -> bool:
    return staff_municipalities(user=user).exists()
