"""Reads for intake, permission-filtered in SQL.

A signal not yet linked to a case is visible only to members of its receiving team;
a signal, gesprek or Meldcode step tied to a case is authorised through the case.
Missing and forbidden give the same answer (DoesNotExist → 404).
"""

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from accounts.constants import CASEWORK_ROLES, Role
from accounts.models import Team, User
from cases import permissions as case_permissions
from cases import selectors as case_selectors
from cases.models import Case, HouseholdMember

from .constants import DEFAULT_DOMAIN_AGE_BANDS, GOAL_THRESHOLD, Domain, GesprekStatus, SignalStatus
from .models import DomainAgeBand, DomainScore, Gesprek, MeldcodeStep, Signal
from .querysets import SignalQuerySet


def case_url(case: Case | None) -> str | None:
    """The case page, once the cases screens exist (None before that)."""
    if case is None:
        return None
    try:
        return reverse("cases:detail", kwargs={"uuid": case.uuid})
    except NoReverseMatch:
        return None


def signal_teams_for_user(*, user: User) -> QuerySet[Team]:
    """The teams whose signals the user may see and register: those in which they hold a
    casework role (regisseur, teamleider, expert). Controllers and functional
    administrators get none, even as members of the team."""
    return (
        Team.objects.filter(memberships__user=user, memberships__role__in=CASEWORK_ROLES)
        .select_related("municipality")
        .distinct()
    )


def user_works_with_signals(*, user: User) -> bool:
    """Signals, like cases, are for casework roles only (`user.roles` is cached per request)."""
    return user.is_authenticated and bool(user.roles & CASEWORK_ROLES)


def _visible_signals(user: User) -> SignalQuerySet:
    if not user.is_authenticated:
        return Signal.objects.none()
    # Unlinked signals: members of the receiving team *with a casework role* in it.
    own_teams = user.memberships.filter(role__in=CASEWORK_ROLES).values("team_id")
    return Signal.objects.filter(
        Q(case__isnull=True, team_id__in=own_teams) | Q(case_id__in=case_permissions.visible_case_ids(user))
    )


def signal_person_ids_visible_to(user: User) -> QuerySet:
    """The ids of the persons on signals the user may see, as a subquery: their stored data
    may be reused when the user reports them again (`cases.selectors.person_lookup`)."""
    return Signal.persons.through.objects.filter(signal__in=_visible_signals(user)).values("person_id")


def signal_list_for_user(
    *, user: User, status: str | None = None, source: str | None = None, team_id: int | None = None
) -> QuerySet[Signal]:
    """The inbox: signals the user may see, in a constant number of queries."""
    qs = _visible_signals(user)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if team_id:
        qs = qs.filter(team_id=team_id)
    return qs.with_list_data().order_by("received_on", "created_at")


def signal_status_counts(*, user: User, source: str | None = None, team_id: int | None = None) -> dict[str, int]:
    """Counts per status for the inbox tabs, in one query."""
    qs = signal_list_for_user(user=user, source=source, team_id=team_id).order_by()
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: counts.get(s, 0) for s in SignalStatus.values}


def signal_get_for_user(*, user: User, uuid: UUID | str) -> Signal:
    return _visible_signals(user).select_related("team", "team__municipality", "case").get(uuid=uuid)


def signals_for_case(*, case: Case) -> QuerySet[Signal]:
    """Earlier signals of a case (context for the gesprek); the caller has the case."""
    return Signal.objects.filter(case=case).select_related("team").prefetch_related("persons")


def team_regisseurs(*, team: Team) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__team=team, memberships__role=Role.REGISSEUR)
        .distinct()
        .order_by("first_name", "last_name")
    )


def gesprek_get_for_user(*, user: User, uuid: UUID | str, write: bool = False) -> Gesprek:
    codename = case_permissions.CHANGE if write else case_permissions.VIEW
    return (
        Gesprek.objects.filter(case_id__in=case_permissions.visible_case_ids(user, codename))
        .select_related("case", "case__household", "case__regisseur", "created_by", "updated_by")
        .get(uuid=uuid)
    )


def gesprek_in_case(*, case: Case, uuid: UUID | str) -> Gesprek | None:
    """One gesprek of a case the caller has already authorised (`cases.access.case_view`)."""
    gesprek = Gesprek.objects.filter(case=case, uuid=uuid).select_related("created_by", "updated_by").first()
    if gesprek is not None:
        gesprek.case = case  # the authorised instance: no second fetch, the same household
    return gesprek


def gesprek_list_for_case(*, case: Case) -> QuerySet[Gesprek]:
    return Gesprek.objects.filter(case=case).order_by("-date", "-created_at")


def gesprek_previous(*, gesprek: Gesprek) -> Gesprek | None:
    return (
        Gesprek.objects.filter(case_id=gesprek.case_id)
        .exclude(pk=gesprek.pk)
        .filter(Q(date__lt=gesprek.date) | Q(date=gesprek.date, created_at__lt=gesprek.created_at))
        .order_by("-date", "-created_at")
        .first()
    )


def meldcode_steps_for_case(*, case: Case) -> QuerySet[MeldcodeStep]:
    return MeldcodeStep.objects.filter(case=case).order_by("step")


def meldcode_signal(*, case: Case) -> Signal | None:
    """The safety signal the Meldcode steps started from (the caller has the case)."""
    step = MeldcodeStep.objects.filter(case=case, signal__isnull=False).select_related("signal").first()
    if step is not None:
        return step.signal
    return Signal.objects.filter(case=case).order_by("received_on").first()


def has_children(*, members: list[HouseholdMember]) -> bool:
    return any(m.role == "child" or m.person.age < 18 for m in members)


Band = tuple[str, int, int | None]


def domain_age_bands(*, municipality_id: int) -> list[Band]:
    """The municipality's (domain, min age, max age) bands; the defaults when it has none. One query."""
    rows = list(
        DomainAgeBand.objects.filter(municipality_id=municipality_id).values_list("domain", "min_age", "max_age")
    )
    return rows or [(str(d), lo, hi) for d, lo, hi in DEFAULT_DOMAIN_AGE_BANDS]


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def domains_for(*, members: list[HouseholdMember], municipality_id: int, on: datetime.date) -> dict[int, list[Domain]]:
    """Per member (id): the life domains to score, in matrix order, for their age on `on`.

    A domain applies when one of the municipality's bands covers the member's age;
    parenting/development only where children are involved. Domains outside these are
    not offered by default; the gesprek form lets the regisseur add them per member.
    One query (the bands).
    """
    bands = domain_age_bands(municipality_id=municipality_id)
    children = has_children(members=members)
    result: dict[int, list[Domain]] = {}
    for member in members:
        age = age_on(member.person.birth_date, on)
        applies = {d for d, lo, hi in bands if lo <= age and (hi is None or age <= hi)}
        if not children:
            applies.discard(Domain.PARENTING)
        result[member.pk] = [d for d in Domain if d.value in applies]
    return result


@dataclass
class ScoreRow:
    domain: Domain
    score: int | None
    previous: int | None
    note: str = ""

    @property
    def delta(self) -> int | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class MemberScores:
    member: HouseholdMember
    rows: list[ScoreRow] = field(default_factory=list)


def _build_overview(
    *, members: list[HouseholdMember], current: dict[tuple[int, str], DomainScore], before: dict[tuple[int, str], int]
) -> list[MemberScores]:
    result = []
    for member in members:
        rows = []
        for domain in Domain:  # only the scored ones, in matrix order
            s = current.get((member.pk, domain.value))
            if s is None and (member.pk, domain.value) not in before:
                continue
            rows.append(
                ScoreRow(
                    domain=domain,
                    score=s.score if s else None,
                    previous=before.get((member.pk, domain.value)),
                    note=s.note if s else "",
                )
            )
        result.append(MemberScores(member=member, rows=rows))
    return result


def score_overview(*, gesprek: Gesprek) -> list[MemberScores]:
    """Scores per member per domain with the change since the previous gesprek (3 queries)."""
    members = list(case_selectors.household_members(household=gesprek.case.household))
    previous = gesprek_previous(gesprek=gesprek)
    current = {(s.member_id, s.domain): s for s in gesprek.scores.all()}
    before = (
        {(s.member_id, s.domain): s.score for s in DomainScore.objects.filter(gesprek=previous)} if previous else {}
    )
    return _build_overview(members=members, current=current, before=before)


def proposed_goals(gesprek: Gesprek) -> list[tuple[HouseholdMember, Domain, int]]:
    """Domains scored at or below 2: proposed as goals for the plan, lowest first."""
    scores = (
        gesprek.scores.filter(score__lte=GOAL_THRESHOLD)
        .select_related("member__person")
        .order_by("score", "member__person__birth_date", "domain")
    )
    return [(s.member, Domain(s.domain), s.score) for s in scores]


@dataclass
class CaseIntake:
    """Everything intake shows on the case page (see `case_intake_overview`)."""

    gesprekken: list[Gesprek]
    latest: Gesprek | None
    previous: Gesprek | None
    score_overview: list[MemberScores]
    goals: list[tuple[HouseholdMember, Domain, int]]
    signals: list[Signal]
    meldcode_steps: list[MeldcodeStep]
    can_write: bool
    open_draft: Gesprek | None = None  # at most one per case (a database constraint)


def case_intake_overview(*, user: User, case: Case) -> CaseIntake:
    """Intake's part of the case page, for a case the caller has already authorised.

    - the household's gesprekken (newest first), drafts included;
    - the scores of the latest *final* gesprek per member, with the change since the final
      gesprek before it (a draft is work in progress and starts as a copy of the previous
      scores, so comparing with it would show "no change" everywhere);
    - the proposed plan goals (scores at or below GOAL_THRESHOLD) from those same scores;
    - the signals attached to the case and, when safety-flagged, the Meldcode steps.

    A constant number of queries whatever the number of gesprekken, scores or signals:
    gesprekken, scores of the two gesprekken compared (one query), household members,
    signals, Meldcode steps, plus the write check (none for the case's regisseur).
    """
    gesprekken = list(Gesprek.objects.filter(case=case).order_by("-date", "-created_at"))
    finals = [g for g in gesprekken if g.status == GesprekStatus.FINAL]
    latest = finals[0] if finals else None
    previous = finals[1] if len(finals) > 1 else None
    overview: list[MemberScores] = []
    goals: list[tuple[HouseholdMember, Domain, int]] = []
    if latest is not None:
        members = list(case_selectors.household_members(household=case.household))
        by_id = {m.pk: m for m in members}
        compared = [latest.pk] + ([previous.pk] if previous else [])
        scores = list(DomainScore.objects.filter(gesprek_id__in=compared))
        current = {(s.member_id, s.domain): s for s in scores if s.gesprek_id == latest.pk}
        before = {(s.member_id, s.domain): s.score for s in scores if s.gesprek_id != latest.pk}
        overview = _build_overview(members=members, current=current, before=before)
        low = [s for s in current.values() if s.score <= GOAL_THRESHOLD and s.member_id in by_id]
        low.sort(key=lambda s: (s.score, by_id[s.member_id].person.birth_date, s.domain))
        goals = [(by_id[s.member_id], Domain(s.domain), s.score) for s in low]
    return CaseIntake(
        gesprekken=gesprekken,
        latest=latest,
        previous=previous,
        score_overview=overview,
        goals=goals,
        signals=list(Signal.objects.filter(case=case).order_by("-received_on", "-created_at")),
        meldcode_steps=list(meldcode_steps_for_case(case=case)) if case.safety_flag else [],
        can_write=case_permissions.can_write(user, case),
        open_draft=next((g for g in gesprekken if g.status == GesprekStatus.DRAFT), None),
    )


def gesprek_latest_final_for_case(*, case: Case) -> Gesprek | None:
    """The case's latest final gesprek (the plan starts from its proposed goals)."""
    return Gesprek.objects.filter(case=case, status=GesprekStatus.FINAL).order_by("-date", "-created_at").first()


@dataclass(frozen=True)
class ScorePoint:
    date: datetime.date
    gesprek_id: int
    member_id: int
    domain: str
    score: int


def score_history_for_case(*, case: Case) -> list[ScorePoint]:
    """Every score of the case's final gesprekken, oldest first, in one query (the plan's trend)."""
    rows = (
        DomainScore.objects.filter(gesprek__case=case, gesprek__status=GesprekStatus.FINAL)
        .order_by("gesprek__date", "gesprek__created_at")
        .values_list("gesprek__date", "gesprek_id", "member_id", "domain", "score")
    )
    return [ScorePoint(*row) for row in rows]
