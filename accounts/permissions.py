"""Who may manage which users, teams and roles (the admin at /beheer/; docs/permissions.md, "Admin").

- Superusers manage everything, but like everyone else never their own roles.
- A functioneel beheerder (role `staff` in a team) manages the teams of the municipalities
  in which they hold that role, and the users with a role in one of those teams (plus users
  without any role yet, so that a new account can be given its first role). Never a
  superuser, never another municipality.
- Only superusers change the superuser and staff flags, user permissions and groups.
- Nobody changes their own roles, memberships or flags, by any route.

The querysets are filters in SQL, used by the admin's lists, forms and object lookups.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .constants import Role
from .models import Membership, Municipality, Team, User

# The fields only superusers may change, and nobody on their own account.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

SELF_DENIED = _("U kunt uw eigen rollen, teamlidmaatschappen en rechten niet wijzigen.")
MUNICIPALITY_DENIED = _("U beheert alleen teams en gebruikers van uw eigen gemeente.")
PRIVILEGES_DENIED = _("Alleen een superuser wijzigt beheerrechten, groepen en permissies van anderen.")
SUPERUSER_DENIED = _("Alleen een superuser beheert de rollen van een superuser.")


def admin_municipality_ids(*, user: User) -> "QuerySet[Municipality, Any]":
    """The municipalities whose teams and users this (non-superuser) user manages, as a subquery."""
    return Municipality.objects.filter(teams__memberships__user=user, teams__memberships__role=Role.STAFF).values("pk")


def manageable_teams(*, user: User) -> QuerySet[Team]:
    """Teams the user may manage in the admin."""
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(municipality__in=admin_municipality_ids(user=user))


def manageable_users(*, user: User) -> QuerySet[User]:
    """Users the actor may see and manage in the admin (their own account included, read-only roles).

    For a beheerder: users with a role in a team of their municipality, and users without
    any role yet; never superusers.
    """
    if user.is_superuser:
        return User.objects.all()
    in_municipality = Membership.objects.filter(
        user=OuterRef("pk"), team__municipality__in=admin_municipality_ids(user=user)
    )
    any_role = Membership.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(Q(Exists(in_municipality)) | ~Q(Exists(any_role))).filter(is_superuser=False)


def manageable_memberships(*, user: User) -> QuerySet[Membership]:
    """Memberships the user may see and manage: those in teams they manage."""
    if user.is_superuser:
        return Membership.objects.all()
    return Membership.objects.filter(team__municipality__in=admin_municipality_ids(user=user))


def membership_change_denied(*, actor: User, user: User, team: Team) -> str | None:
    """Why `actor` may not give, change or take `user`'s role in `team`; None when allowed.

    Checked by the admin's forms (to show the reason) and by the services (to refuse).
    """
    if actor.pk == user.pk:
        return str(SELF_DENIED)
    if actor.is_superuser:
        return None
    if user.is_superuser:
        return str(SUPERUSER_DENIED)
    # By municipality, not by team id: the admin's add form checks a team before it is saved.
    if not admin_municipality_ids(user=actor).filter(pk=team.municipality_id).exists():
        return str(MUNICIPALITY_DENIED)
    # A new account (no pk yet) has no roles anywhere else.
    if user.pk is not None and not manageable_users(user=actor).filter(pk=user.pk).exists():
        return str(MUNICIPALITY_DENIED)
    return None


def may_change_privileges(*, actor: User, user: User | None) -> bool:
    """Whether `actor` may change the flags, groups and permissions of `user` (None: a new user)."""
    return actor.is_superuser and (user is None or user.pk != actor.pk)
