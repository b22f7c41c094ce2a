"""Writes for municipalities, teams and memberships."""

from django.contrib.auth.models import Group
from django.db import transaction

from socialdomain.audit import audit_write

from .models import Membership, Municipality, Team, User


@transaction.atomic
def team_create(*, municipality: Municipality, name: str, kind: str, area: str = "", actor: User | None = None) -> Team:
    """Create a team together with the permission group its shares are granted to."""
    team = Team(municipality=municipality, name=name, kind=kind, area=area)
    team.group = Group.objects.create(name=f"team:{municipality.code}:{name}"[:150])
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
    """Make the user's team groups match their memberships (grants to teams go to groups)."""
    wanted = set(Team.objects.filter(memberships__user=user).values_list("group_id", flat=True))
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
