"""Who may do what with a case: the policy, declared once (docs/permissions.md).

- regisseur: read + write on their own cases, shares them, closes them, sees the log.
- colleague/team with a share: read ("meelezen") or read + write ("registreren").
- teamleider: read on the cases of their team, reassigns the regisseur, sees the log.
- expert: nothing unless a share or an escalation gives it.
- controller, functioneel beheerder: no case content.

Lists are filtered in SQL by `visible_case_ids`; single objects are checked by
`can_read` / `can_write` etc. on a case fetched through the selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from socialdomain.authz import permission_id

from .models import BreakGlassAccess, Case, CaseGroupObjectPermission, CaseUserObjectPermission

VIEW = "view_case"
CHANGE = "change_case"


def _teamleider_team_ids(user: User) -> QuerySet:
    return user.memberships.filter(role=Role.TEAMLEIDER).values("team_id")


def _group_ids(user: User) -> QuerySet:
    # The M2M through table directly: no join with auth_group (its rows add nothing here).
    return User.groups.through.objects.filter(user_id=user.pk).values("group_id")


# --- Time-limited personal grants from other apps, checked at read time ----------------
# An app that grants view/change through socialdomain.authz for a limited time (the
# expert team's access through an escalation, arrangements/access.py) registers a
# function returning, for a user, the ids of cases whose time-limited grant has lapsed
# (ended or past its maximum period) but may not have been revoked yet. Those personal
# grants are ignored in every check and list, so access ends at the moment it lapses,
# not when a clean-up task next runs. cases never imports the registering app.
LapsedGrants = Callable[[User], QuerySet]
_lapsed_grant_sources: list[LapsedGrants] = []


def register_lapsed_grants(source: LapsedGrants) -> None:
    """Register a lapsed-grants source (call from `AppConfig.ready()`; idempotent)."""
    if source not in _lapsed_grant_sources:
        _lapsed_grant_sources.append(source)


def _without_lapsed(grants: QuerySet, user: User) -> QuerySet:
    for source in _lapsed_grant_sources:
        grants = grants.exclude(content_object_id__in=source(user))
    return grants


# For "Wie heeft toegang": a source may also describe its grants on one case, as
# {user id: (Dutch note, lapsed)}; lapsed grants are left out of the list.
GrantNotes = Callable[[Case], dict[int, tuple[str, bool]]]
_grant_note_sources: list[GrantNotes] = []


def register_grant_notes(source: GrantNotes) -> None:
    if source not in _grant_note_sources:
        _grant_note_sources.append(source)


def grant_notes(case: Case) -> dict[int, tuple[str, bool]]:
    notes: dict[int, tuple[str, bool]] = {}
    for source in _grant_note_sources:
        notes.update(source(case))
    return notes


# For the access log (NEN 7513 ground of a read): a source may also say that a user reaches
# one case through it now, as a queryset that is non-empty when so (used in `Exists`, so
# the ground costs no query of its own: `cases.access` folds it into one lookup).
LiveGrant = Callable[[User, Case], QuerySet]
_live_grant_sources: list[tuple[str, LiveGrant]] = []


def register_live_grant(ground: str, source: LiveGrant) -> None:
    """Register `source(user, case)` for the access ground `ground` (an `AccessGround` value)."""
    if (ground, source) not in _live_grant_sources:
        _live_grant_sources.append((ground, source))


def live_grant_sources() -> list[tuple[str, LiveGrant]]:
    return list(_live_grant_sources)


# --- end of time-limited grants ------------------------------------------------------


def _lapsed_break_glass_case_ids(user: User) -> QuerySet:
    """Cases whose personal grants the user holds only through a break-glass access that has
    expired but was not yet tidied up by the beat task (`revoke_expired_break_glass`).

    Expiry is part of the permission check, not of the task: from `expires_at` on, those
    grants open nothing. A later, still running access to the same case keeps it open.
    Both subqueries read only the user's own accesses (the `user_id` index; a handful of rows).
    """
    now = timezone.now()
    unrevoked = BreakGlassAccess.objects.filter(user_id=user.pk, revoked_at__isnull=True)
    running = unrevoked.filter(expires_at__gt=now).values("case_id")
    return unrevoked.filter(expires_at__lte=now).exclude(case_id__in=running).values("case_id")


def _personal_grants(user: User, perm: int) -> QuerySet:
    """The user's personal grants (shares, break-glass, expert access), minus lapsed ones."""
    grants = CaseUserObjectPermission.objects.filter(user_id=user.pk, permission_id=perm).exclude(
        content_object_id__in=_lapsed_break_glass_case_ids(user)
    )
    return _without_lapsed(grants, user).values("content_object_id")


def visible_case_ids(user: User, codename: str = VIEW) -> QuerySet:
    """The ids of the cases the user may see (or change), as one SQL subquery.

    Built as a UNION ALL of small indexed id sets (own cases by regisseur, personal grants
    by user, team grants by the user's groups, and, only for team leaders, the cases of
    the teams they lead) so that PostgreSQL touches only the visible rows instead of
    testing OR'ed EXISTS per case row; `id IN (...)` removes the duplicates, so a plain
    UNION would only add a second de-duplication step.

    The team-leader branch is added only when the user is one (`user.roles`, one cached
    query per request, which the navigation loads anyway): for everybody else its
    estimate (a whole team's cases) would make the planner expect thousands of visible
    rows and scan the full case table instead of fetching the few hundred by primary key.
    See docs/performance.md.

    Personal grants of a break-glass access count only until its `expires_at`
    (`_lapsed_break_glass_case_ids`), whether or not the beat task has revoked them yet.
    """
    if not user.is_authenticated:
        return Case.objects.none().values("id")
    perm = permission_id(Case, codename)
    own = Case.objects.filter(regisseur_id=user.pk).values("id")
    personal = _personal_grants(user, perm)
    team = CaseGroupObjectPermission.objects.filter(group_id__in=_group_ids(user), permission_id=perm).values(
        "content_object_id"
    )
    parts: list[QuerySet[Any, Any]] = [personal, team]  # id sets (`.values(...)`) of different models
    if codename == VIEW and Role.TEAMLEIDER in user.roles:
        parts.append(Case.objects.filter(team_id__in=_teamleider_team_ids(user)).values("id"))
    return own.union(*parts, all=True)


@dataclass(frozen=True)
class CompiledVisibleIds:
    """`visible_case_ids` compiled to SQL once, for a list page and its count.

    Django compiles a queryset every time it is evaluated; the UNION of three or four
    subqueries costs about as much Python time to compile as PostgreSQL needs to run it
    (~1 ms each time, measured in docs/performance.md). A list page uses it twice (page
    and count), nested in a subquery, so it is compiled once here and reused as SQL with
    its parameters, which the ORM generated (no hand-written SQL, no string values).
    """

    sql: str
    params: tuple

    def as_expression(self) -> RawSQL:
        """For `id__in=`: the ids as a subquery."""
        return RawSQL(self.sql, self.params)  # noqa: S611 - SQL and parameters compiled by the ORM

    def count(self) -> int:
        """The number of visible cases, counted from the id sets alone.

        No join with the case table: every id in the UNION is a case (own and team-leader
        branches come from it, the grant tables have a foreign key to it). DISTINCT because
        a case can be visible through more than one branch.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(DISTINCT id) FROM ({self.sql}) AS visible", self.params)  # noqa: S608
            return cursor.fetchone()[0]


def compile_visible_case_ids(user: User, codename: str = VIEW) -> CompiledVisibleIds | None:
    """`visible_case_ids` as SQL and parameters; None when the user can see nothing at all."""
    if not user.is_authenticated:
        return None
    sql, params = visible_case_ids(user, codename).query.sql_with_params()
    return CompiledVisibleIds(sql=sql, params=tuple(params))


def _granted(user: User, case: Case, codename: str) -> bool:
    perm = permission_id(Case, codename)
    if _personal_grants(user, perm).filter(content_object=case).exists():
        return True
    return CaseGroupObjectPermission.objects.filter(
        group_id__in=_group_ids(user), permission_id=perm, content_object=case
    ).exists()


def is_teamleider_of(user: User, case: Case) -> bool:
    # `user.roles` is loaded once per request anyway (OTP check, navigation): most users
    # lead no team, and for them this answers without a query.
    if Role.TEAMLEIDER not in user.roles:
        return False
    return user.memberships.filter(role=Role.TEAMLEIDER, team_id=case.team_id).exists()


def can_read(user: User, case: Case) -> bool:
    return case.regisseur_id == user.pk or is_teamleider_of(user, case) or _granted(user, case, VIEW)


def has_write_access(user: User, case: Case) -> bool:
    """The user holds record rights on the case (regisseur or a write share), open or closed."""
    return case.regisseur_id == user.pk or _granted(user, case, CHANGE)


def can_write(user: User, case: Case) -> bool:
    """The user may record on the case now: write access, and the case is open.

    A closed case is read-only for everyone: its record is what the law keeps.
    """
    return case.is_open and has_write_access(user, case)


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
