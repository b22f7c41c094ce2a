"""Reads about users, teams and roles."""

from django.db.models import QuerySet

from .constants import Role
from .models import Team, User


def team_list_for_user(*, user: User, role: str | None = None) -> QuerySet[Team]:
    """Teams in which the user holds a role (any role, or the given one)."""
    qs = Team.objects.filter(memberships__user=user)
    if role:
        qs = qs.filter(memberships__role=role)
    return qs.select_related("municipality").distinct()


def user_is_functional_admin(*, user: User) -> bool:
    return user.is_superuser or user.has_role(Role.STAFF)
