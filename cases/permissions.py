"""Who may do what with a case: the policy, declared once (docs/permissions.md).

- regisseur: read + write on their own cases, shares them, closes them, sees the log.
- colleague/team with a share: read ("meelezen") or read + write ("registreren").
- teamleider: read on the cases of their team, reassigns the regisseur, sees the log.
- expert: nothing unless a share or an escalation gives it.
- controller, functioneel beheerder: no case content.

Lists are filtered in SQL by `visible_case_ids`; single objects are checked by
`can_read` / `can_write` etc. on a case fetched through the selectors.
"""

from django.db.models import QuerySet

from accounts.constants import Role
from accounts.models import User
from socialdomain.authz import permission_id

from .models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

VIEW = "view_case"
CHANGE = "change_case"


def _teamleider_team_ids(user: User) -> QuerySet:
    return user.memberships.filter(role=Role.TEAMLEIDER).values("team_id")


def _group_ids(user: User) -> QuerySet:
    # The M2M through table directly: no join with auth_group (its rows add nothing here).
    return User.groups.through.objects.filter(user_id=user.pk).values("group_id")


def visible_case_ids(user: User, codename: str = VIEW, *, distinct: bool = False) -> QuerySet:
    """The ids of the cases the user may see (or change), as one SQL subquery.

    Built as a UNION ALL of small indexed id sets (own cases by regisseur, personal grants
    by user, team grants by the user's groups, and, only for team leaders, the cases of
    the teams they lead) so that PostgreSQL touches only the visible rows instead of
    testing OR'ed EXISTS per case row; `id IN (...)` removes the duplicates, so a plain
    UNION would only add a second de-duplication step. `distinct=True` gives the plain
    UNION, for counting the visible cases straight from the id sets (`.count()` on it is
    `SELECT COUNT(*) FROM (… UNION …)`, no join with the case table: every id in it is a
    case, the grant tables have a foreign key to it).

    The team-leader branch is added only when the user is one (`user.roles`, one cached
    query per request, which the navigation loads anyway): for everybody else its
    estimate (a whole team's cases) would make the planner expect thousands of visible
    rows and scan the full case table instead of fetching the few hundred by primary key.
    See docs/performance.md.
    """
    if not user.is_authenticated:
        return Case.objects.none().values("id")
    perm = permission_id(Case, codename)
    own = Case.objects.filter(regisseur_id=user.pk).values("id")
    personal = CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=perm).values("content_object_id")
    team = CaseGroupObjectPermission.objects.filter(group_id__in=_group_ids(user), permission_id=perm).values(
        "content_object_id"
    )
    parts = [personal, team]
    if codename == VIEW and Role.TEAMLEIDER in user.roles:
        parts.append(Case.objects.filter(team_id__in=_teamleider_team_ids(user)).values("id"))
    return own.union(*parts, all=not distinct)


def _granted(user: User, case: Case, codename: str) -> bool:
    perm = permission_id(Case, codename)
    if CaseUserObjectPermission.objects.filter(user=user, permission_id=perm, content_object=case).exists():
        return True
    return CaseGroupObjectPermission.objects.filter(
        group_id__in=_group_ids(user), permission_id=perm, content_object=case
    ).exists()


def is_teamleider_of(user: User, case: Case) -> bool:
    return user.memberships.filter(role=Role.TEAMLEIDER, team_id=case.team_id).exists()


def can_read(user: User, case: Case) -> bool:
    return case.regisseur_id == user.pk or is_teamleider_of(user, case) or _granted(user, case, VIEW)


def can_write(user: User, case: Case) -> bool:
    return case.regisseur_id == user.pk or _granted(user, case, CHANGE)


def can_share(user: User, case: Case) -> bool:
    return case.regisseur_id == user.pk


def can_reassign(user: User, case: Case) -> bool:
    return is_teamleider_of(user, case)


def can_view_access_log(user: User, case: Case) -> bool:
    return case.regisseur_id == user.pk or is_teamleider_of(user, case)


def can_open_case_for_team(user: User, team_id: int) -> bool:
    """Creating is not covered by object permissions: regisseurs and team leaders of the team."""
    return user.memberships.filter(team_id=team_id, role__in=[Role.REGISSEUR, Role.TEAMLEIDER]).exists()


def teams_for_opening_cases(user: User) -> QuerySet:
    """The teams `can_open_case_for_team` answers yes for, as one queryset (form choices)."""
    from accounts.models import Team

    return Team.objects.filter(
        memberships__user=user, memberships__role__in=[Role.REGISSEUR, Role.TEAMLEIDER]
    ).distinct()
