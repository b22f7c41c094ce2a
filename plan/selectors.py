"""Reads for the plan, for a case the caller has already authorised (`cases.access.case_view`).

Every function here runs a constant number of queries whatever the number of goals,
actions, versions or evaluations (query-count tests in tests/plan/test_queries.py).
The worklist selectors filter in SQL on the user's own cases.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases import permissions as case_permissions
from cases import selectors as case_selectors
from cases.constants import RegisseurChangeReason
from cases.models import Case, HouseholdMember, NetworkContact, RegisseurChange
from intake import selectors as intake_selectors
from intake.constants import Domain
from intake.models import Gesprek
from socialdomain.registry import WorklistRow

from .constants import ADULT_AGE, OwnerKind, PlanStatus, Rung
from .models import Action, Evaluation, EvaluationScore, Goal, LadderMeasurement, Plan


def plan_current_for_case(*, case: Case) -> Plan | None:
    return Plan.objects.filter(case=case, is_current=True).select_related("case", "case__household").first()


def plan_version_for_case(*, case: Case, number: int) -> Plan:
    """One version of the case's plan; `Plan.DoesNotExist` otherwise."""
    return Plan.objects.select_related("case", "case__household").get(case=case, number=number)


def _goals(plan: Plan) -> QuerySet[Goal]:
    return Goal.objects.filter(plan=plan).select_related("member__person", "outcome").order_by("position", "id")


def _actions(plan: Plan) -> QuerySet[Action]:
    return (
        Action.objects.filter(plan=plan)
        .select_related("owner_member__person", "owner_contact", "owner_organisation", "owner_user", "goal")
        .order_by("due_on", "id")
    )


def action_owner_label(action: Action, regisseur: User) -> str:
    """Who does it, as the household reads it (the network's actions as visible as a professional's)."""
    if action.owner_kind == OwnerKind.MEMBER and action.owner_member:
        return action.owner_member.person.first_name
    if action.owner_kind == OwnerKind.NETWORK and action.owner_contact:
        return action.owner_contact.name
    if action.owner_kind == OwnerKind.ORGANISATION and action.owner_organisation:
        return action.owner_organisation.name
    if action.owner_kind == OwnerKind.COLLEAGUE and action.owner_user:
        return str(action.owner_user)
    return _("%(name)s (regisseur)") % {"name": regisseur}


@dataclass
class ActionRow:
    action: Action
    owner: str
    overdue: bool


@dataclass
class PlanContent:
    plan: Plan
    goals: list[Goal]
    actions: list[ActionRow]
    safety_agreements: list[Any]
    risks: list[Any]
    agreed_members: list[HouseholdMember]
    evaluation_overdue: bool


def plan_content(*, plan: Plan, case: Case) -> PlanContent:
    """A version with everything the plan page and the PDF show (six queries)."""
    today = timezone.localdate()
    goals = list(_goals(plan))
    running = plan.status in (PlanStatus.AGREED, PlanStatus.ACTIVE) and plan.is_current
    actions = [
        ActionRow(
            action=a,
            owner=action_owner_label(a, case.regisseur),
            overdue=running and a.done_on is None and a.due_on < today,
        )
        for a in _actions(plan)
    ]
    return PlanContent(
        plan=plan,
        goals=goals,
        actions=actions,
        safety_agreements=list(plan.safety_agreements.all()),
        risks=list(plan.risks.all()),
        agreed_members=list(plan.agreed_members.select_related("person")) if plan.status != PlanStatus.DRAFT else [],
        evaluation_overdue=running and plan.evaluation_due is not None and plan.evaluation_due < today,
    )


# --- trend -----------------------------------------------------------------------------


@dataclass
class TrendRow:
    member: HouseholdMember
    label: str  # "Financiën" or "Participatieladder"
    values: list[int | None]
    is_ladder: bool = False


@dataclass
class Trend:
    moments: list[str]  # column headings: "Gesprek 3-9-2026", "Evaluatie 1-12-2026"
    rows: list[TrendRow] = field(default_factory=list)

    def chart_data(self) -> dict[str, Any]:
        """For Chart.js (static/js/plan-trend.js), serialised with json_script."""
        return {
            "labels": self.moments,
            "datasets": [
                {
                    "label": f"{r.member.person.first_name} – {r.label}",
                    "data": r.values,
                    "ladder": r.is_ladder,
                }
                for r in self.rows
            ],
        }


def trend_for_case(*, case: Case, members: list[HouseholdMember]) -> Trend:
    """Scores per member and domain over the final gesprekken and the evaluations, and the
    participatieladder per adult (three queries: gesprek scores, evaluation scores, rungs)."""
    from django.utils.formats import date_format

    points = intake_selectors.score_history_for_case(case=case)
    eval_scores = list(
        EvaluationScore.objects.filter(evaluation__plan__case=case).values_list(
            "evaluation_id", "evaluation__date", "member_id", "domain", "score"
        )
    )
    rungs = list(
        LadderMeasurement.objects.filter(case=case).values_list(
            "gesprek_id", "evaluation_id", "measured_on", "member_id", "rung"
        )
    )
    moments: dict[tuple[str, int], tuple[datetime.date, str]] = {}
    for p in points:
        moments[("g", p.gesprek_id)] = (p.date, _("Gesprek %(date)s") % {"date": date_format(p.date, "j-n-Y")})
    for eid, edate, *_rest in eval_scores:
        moments[("e", eid)] = (edate, _("Evaluatie %(date)s") % {"date": date_format(edate, "j-n-Y")})
    for gid, eid, on, *_rest in rungs:
        if gid:
            moments.setdefault(("g", gid), (on, _("Gesprek %(date)s") % {"date": date_format(on, "j-n-Y")}))
        if eid:
            moments.setdefault(("e", eid), (on, _("Evaluatie %(date)s") % {"date": date_format(on, "j-n-Y")}))
    order = sorted(moments, key=lambda k: (moments[k][0], k[0] == "e", k[1]))
    column = {k: i for i, k in enumerate(order)}
    by_member = {m.pk: m for m in members}
    values: dict[tuple[int, str], list[int | None]] = {}

    def put(member_id: int, key: str, moment: tuple[str, int], value: int) -> None:
        if member_id in by_member:
            values.setdefault((member_id, key), [None] * len(order))[column[moment]] = value

    for p in points:
        put(p.member_id, p.domain, ("g", p.gesprek_id), p.score)
    for eid, _edate, member_id, domain, score in eval_scores:
        put(member_id, domain, ("e", eid), score)
    for gid, eid, _on, member_id, rung in rungs:
        put(member_id, "ladder", ("g", gid) if gid else ("e", eid), rung)
    domain_order = {d.value: i for i, d in enumerate(Domain)}
    rows = [
        TrendRow(
            member=by_member[member_id],
            label=str(_("Participatieladder") if key == "ladder" else Domain(key).label),
            values=vals,
            is_ladder=key == "ladder",
        )
        for (member_id, key), vals in sorted(
            values.items(),
            key=lambda kv: (members.index(by_member[kv[0][0]]), kv[0][1] == "ladder", domain_order.get(kv[0][1], 99)),
        )
        # A domain measured once shows no trend; the ladder is always shown.
        if key == "ladder" or sum(v is not None for v in vals) > 1
    ]
    return Trend(moments=[moments[k][1] for k in order], rows=rows)


# --- the plan page ---------------------------------------------------------------------


@dataclass
class PlanOverview:
    case: Case
    plan: Plan | None
    content: PlanContent | None
    versions: list[Plan]
    members: list[HouseholdMember]
    handover: RegisseurChange | None
    gesprek: Gesprek | None  # the gesprek a new plan starts from
    proposals: list[tuple[HouseholdMember, Domain, int]]
    trend: Trend
    can_write: bool
    last_evaluation: Evaluation | None = None

    @property
    def has_agreed_version(self) -> bool:
        return any(v.status != PlanStatus.DRAFT for v in self.versions)

    @property
    def adults(self) -> list[HouseholdMember]:
        return [m for m in self.members if m.person.age >= ADULT_AGE]


def plan_handover(*, case: Case) -> RegisseurChange | None:
    """The latest change of regisseur with its handover note (not the first assignment)."""
    return (
        RegisseurChange.objects.filter(case=case)
        .exclude(reason=RegisseurChangeReason.INITIAL)
        .select_related("from_user", "to_user")
        .order_by("-changed_at")
        .first()
    )


def plan_overview(*, user: User, case: Case) -> PlanOverview:
    """The plan page and the case-page section, for an authorised case."""
    plan = plan_current_for_case(case=case)
    members = list(case_selectors.household_members(household=case.household))
    gesprek = None
    proposals: list[tuple[HouseholdMember, Domain, int]] = []
    if plan is None:
        gesprek = intake_selectors.gesprek_latest_final_for_case(case=case)
        if gesprek is not None:
            proposals = intake_selectors.proposed_goals(gesprek)
    versions = list(Plan.objects.filter(case=case).order_by("-number"))
    last_evaluation = (
        Evaluation.objects.filter(plan__case=case).select_related("plan").order_by("-date", "-pk").first()
        if len(versions) > 1
        else None
    )
    return PlanOverview(
        case=case,
        plan=plan,
        content=plan_content(plan=plan, case=case) if plan else None,
        versions=versions,
        members=members,
        handover=plan_handover(case=case),
        gesprek=gesprek,
        proposals=proposals,
        trend=trend_for_case(case=case, members=members),
        can_write=case_permissions.can_write(user, case),
        last_evaluation=last_evaluation,
    )


# --- choices for the forms -------------------------------------------------------------


@dataclass(frozen=True)
class OwnerChoices:
    members: list[HouseholdMember]
    contacts: list[NetworkContact]
    organisations: list[Organisation]
    colleagues: list[User]


def owner_choices(*, case: Case) -> OwnerChoices:
    """Who can own an action: this household, its network, the municipality's partners and staff."""
    municipality_id = case.household.municipality_id
    return OwnerChoices(
        members=list(case_selectors.household_members(household=case.household)),
        contacts=list(case_selectors.household_network(household=case.household)),
        organisations=list(Organisation.objects.filter(municipalities__id=municipality_id).order_by("name")),
        colleagues=list(
            User.objects.filter(is_active=True, memberships__team__municipality_id=municipality_id)
            .exclude(pk=case.regisseur_id)
            .distinct()
            .order_by("first_name", "last_name")
        ),
    )


# --- worklist --------------------------------------------------------------------------


def _own_current(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(is_current=True, case__regisseur_id=user.pk, case__status="open")


def worklist_overdue(*, user: User, limit: int = 10) -> list[WorklistRow]:
    """The user's running plans with an overdue evaluation or action (one query)."""
    today = timezone.localdate()
    late_action = Action.objects.filter(plan_id=OuterRef("pk"), done_on__isnull=True, due_on__lt=today)
    plans = (
        _own_current(user)
        .filter(status__in=[PlanStatus.AGREED, PlanStatus.ACTIVE])
        .annotate(late_action=Exists(late_action))
        .filter(Q(evaluation_due__lt=today) | Q(late_action=True))
        .select_related("case")
        .order_by("evaluation_due", "pk")[:limit]
    )
    rows = []
    for plan in plans:
        late_eval = plan.evaluation_due is not None and plan.evaluation_due < today
        detail = _("Evaluatie te laat") if late_eval else _("Actie over datum")
        rows.append(
            WorklistRow(
                label=_("Plan dossier %(number)s") % {"number": plan.case.number},
                url=reverse("plan:detail", kwargs={"uuid": plan.case.uuid}),
                detail=str(detail),
                date=plan.evaluation_due if late_eval else None,
                urgent=True,
            )
        )
    return rows


def worklist_drafts(*, user: User, limit: int = 10) -> list[WorklistRow]:
    """The user's plans in draft (one query)."""
    plans = _own_current(user).filter(status=PlanStatus.DRAFT).select_related("case").order_by("-updated_at")[:limit]
    return [
        WorklistRow(
            label=_("Plan dossier %(number)s, versie %(v)s") % {"number": p.case.number, "v": p.number},
            url=reverse("plan:detail", kwargs={"uuid": p.case.uuid}),
            detail=str(_("Concept")),
            date=p.updated_at,
        )
        for p in plans
    ]


RUNG_LABELS = dict(Rung.choices)
__all__ = ["Prefetch", "plan_overview", "trend_for_case", "worklist_drafts", "worklist_overdue"]
