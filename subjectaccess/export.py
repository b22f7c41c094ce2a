"""What is stored about one person: the content of a subject-access export (AVG art. 15).

`person_export_data(person=...)` returns one plain dict (dates as `date`/`datetime`, display
values in Dutch) that the JSON file serialises and the PDF template renders. The rule for
other household members (docs/subject-access.md, "Who is in it"):

- **Included**: everything recorded about the person themselves (person record, their
  memberships, their consents, signals that name them, their scores, goals, ladder rungs,
  their arrangements with decisions and escalations, restriction and rectification history),
  and records **about the household as a whole** they belong to (the case, journal notes,
  Meldcode steps, gesprekken, plans with household-level actions, safety agreements and
  risks, evaluations, escalations not tied to another member's arrangement), because those
  are about them too.
- **Left out**: other members' own data: their names, BSN, birth dates and contact
  details, their scores, goals, rungs, consents, arrangements (with their decisions and
  escalations), actions on their goals (unless owned by this person), signals that do not
  name this person, and access-log entries whose record is one of those. Other people
  appear only as "another household member". Reporters of a signal are named by kind of
  source only (protection of reporters; AVG art. 15(4)); network contacts by relation only.
- **Access log**: every audit event on the person, their signals and their households'
  cases (reads and writes: who, when, what, on what ground), except those about records
  that are left out as above.

The caller passes `progress(percent)` to report how far it is (the run row's progress).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from arrangements.models import Arrangement, Decision, Escalation
from audit.labels import action_label, target_label, view_label
from audit.models import AccessGround, AuditEvent, EventKind
from cases.models import Case, CaseNote, Consent, HouseholdMember, NetworkContact, Person
from intake.models import DomainScore, Gesprek, MeldcodeStep, Signal
from plan.models import Action, EvaluationScore, Goal, GoalEvaluation, LadderMeasurement, Plan

from .models import RectifyReason

Progress = Callable[[int], None]

OTHER_MEMBER = "een ander gezinslid"


def _user(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _key(obj: Any) -> tuple[str, str]:
    """The audit target of a record (as socialdomain.audit._target writes it)."""
    public_id = getattr(obj, "uuid", None) or getattr(obj, "number", None) or obj.pk
    return obj._meta.label_lower, str(public_id)


def person_export_data(*, person: Person, progress: Progress | None = None) -> dict[str, Any]:
    """Everything stored about `person`, by the inclusion rule above. Read-only.

    A constant number of queries per kind of record and per case (a few dozen for a
    typical person); the export runs in a Celery task, never in a request.
    """
    report = progress or (lambda _p: None)
    excluded: set[tuple[str, str]] = set()  # audit targets about records left out

    memberships = list(
        HouseholdMember.objects.filter(person=person).select_related("household").order_by("household_id")
    )
    own_member_ids = {m.pk for m in memberships}
    household_ids = [m.household_id for m in memberships]
    others = list(
        HouseholdMember.objects.filter(household_id__in=household_ids).exclude(person=person).select_related("person")
    )
    for other in others:
        excluded.add(_key(other))
        excluded.add(_key(other.person))
    other_member_ids = {o.pk for o in others}

    def member_label(member_id: int | None) -> str:
        if member_id is None:
            return ""
        return "u" if member_id in own_member_ids else OTHER_MEMBER

    data: dict[str, Any] = {
        "export": {
            "generated_at": timezone.now(),
            "municipality": person.municipality.name,
            "basis": "AVG art. 15",
        },
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date,
            # The BSN is stored encrypted; the export shows it masked (never in full in a file).
            "bsn": person.bsn_masked,
            "phone": person.phone,
            "email": person.email,
            "address": person.address,
            "processing_restricted": person.processing_restricted,
            "restricted_since": person.restricted_since,
            "recorded_at": person.created_at,
        },
    }
    report(10)

    restrictions = person.processing_restrictions.select_related("set_by", "lifted_by").order_by("set_at")
    data["restrictions"] = [
        {
            "set_at": r.set_at,
            "set_by": _user(r.set_by),
            "reason": r.get_reason_display(),
            "note": r.note,
            "lifted_at": r.lifted_at,
            "lifted_by": _user(r.lifted_by),
            "lift_reason": r.get_lift_reason_display() if r.lift_reason else "",
            "lift_note": r.lift_note,
        }
        for r in restrictions
    ]
    rectifications = AuditEvent.objects.filter(
        action="person_rectify", target_type="cases.person", target_id=str(person.uuid)
    ).select_related("actor")
    data["rectifications"] = [
        {
            "at": e.created_at,
            "by": _user(e.actor),
            "reason": RectifyReason(e.purpose).label if e.purpose in RectifyReason.values else "",
            "changes": [
                {
                    "field": str(getattr(Person._meta.get_field(field), "verbose_name", field)),
                    "old": values[0],
                    "new": values[1],
                }
                for field, values in sorted(e.changes.items())
                if isinstance(values, list) and len(values) == 2
            ],
        }
        for e in rectifications.order_by("created_at", "id")
    ]

    consents = Consent.objects.filter(member_id__in=own_member_ids).select_related("organisation", "recorded_by")
    data["consents"] = [
        {
            "purpose": c.get_purpose_display(),
            "organisation": c.organisation.name if c.organisation else "",
            "given": c.given,
            "method": c.get_method_display(),
            "date": c.date,
            "recorded_by": _user(c.recorded_by),
        }
        for c in consents.order_by("date", "recorded_at")
    ]
    for consent in Consent.objects.filter(member_id__in=other_member_ids).only("uuid"):
        excluded.add(_key(consent))

    signals = list(
        Signal.objects.filter(persons=person).select_related("team", "case").order_by("received_on", "created_at")
    )
    data["signals"] = [
        {
            "received_on": s.received_on,
            "source": s.get_source_display(),
            "team": s.team.name,
            "question": s.question,
            "status": s.get_status_display(),
            "route": s.get_route_display() if s.route else "",
            "advice_outcome": s.get_advice_outcome_display() if s.advice_outcome else "",
            "triage_note": s.triage_note,
            "case_number": s.case.number if s.case else "",
        }
        for s in signals
    ]
    own_signal_ids = {s.pk for s in signals}
    report(20)

    cases = list(
        Case.objects.filter(household_id__in=household_ids)
        .select_related("team", "regisseur", "household")
        .order_by("opened_on", "id")
    )
    for other_signal in Signal.objects.filter(case__in=cases).exclude(pk__in=own_signal_ids).only("uuid"):
        excluded.add(_key(other_signal))

    households: list[dict[str, Any]] = []
    case_lists: dict[int, list[dict[str, Any]]] = {}
    for membership in memberships:
        household = membership.household
        case_lists[household.pk] = []
        network = NetworkContact.objects.filter(household=household).order_by("id")
        households.append(
            {
                "name": household.name,
                "address": household.address,
                "role": membership.get_role_display(),
                "other_members": len([o for o in others if o.household_id == household.pk]),
                "network": [{"relation": n.get_relation_display()} for n in network],
                "cases": case_lists[household.pk],
            }
        )
    data["households"] = households

    total = max(1, len(cases))
    for index, case in enumerate(cases):
        entry = _case_data(
            case=case,
            own_member_ids=own_member_ids,
            other_member_ids=other_member_ids,
            member_label=member_label,
            excluded=excluded,
        )
        case_lists[case.household_id].append(entry)
        report(20 + int(60 * (index + 1) / total))

    data["access_log"] = _access_log(person=person, cases=cases, signals=signals, excluded=excluded)
    report(90)
    return data


def _case_data(
    *,
    case: Case,
    own_member_ids: set[int],
    other_member_ids: set[int],
    member_label: Callable[[int | None], str],
    excluded: set[tuple[str, str]],
) -> dict[str, Any]:
    notes = CaseNote.objects.filter(case=case).select_related("author").order_by("created_at")
    steps = MeldcodeStep.objects.filter(case=case).order_by("step")
    gesprekken = list(Gesprek.objects.filter(case=case).prefetch_related("members").order_by("date", "created_at"))
    scores = DomainScore.objects.filter(gesprek__case=case, member_id__in=own_member_ids).order_by(
        "gesprek__date", "domain"
    )
    scores_by_gesprek: dict[int, list[dict[str, Any]]] = {}
    for score in scores:
        scores_by_gesprek.setdefault(score.gesprek_id, []).append(
            {"domain": score.get_domain_display(), "score": score.score, "note": score.note}
        )
    rungs = LadderMeasurement.objects.filter(case=case, member_id__in=own_member_ids).order_by("measured_on")

    plans = list(
        Plan.objects.filter(case=case)
        .select_related("evaluation")
        .prefetch_related("agreed_members", "safety_agreements", "risks")
        .order_by("number")
    )
    goals = Goal.objects.filter(plan__case=case).order_by("plan_id", "position", "id")
    own_goals: dict[int, list[Goal]] = {}
    own_goal_ids: set[int] = set()
    for goal in goals:
        if goal.member_id in own_member_ids:
            own_goals.setdefault(goal.plan_id, []).append(goal)
            own_goal_ids.add(goal.pk)
        else:
            excluded.add(_key(goal))
    actions = Action.objects.filter(plan__case=case).select_related("goal").order_by("plan_id", "due_on", "id")
    plan_actions: dict[int, list[dict[str, Any]]] = {}
    for action in actions:
        on_own_goal = action.goal_id is None or action.goal_id in own_goal_ids
        owned_by_person = action.owner_member_id in own_member_ids
        if not (on_own_goal or owned_by_person):
            excluded.add(_key(action))
            continue
        owner = action.get_owner_kind_display()
        if action.owner_member_id is not None:
            owner = f"{owner} ({member_label(action.owner_member_id)})"
        plan_actions.setdefault(action.plan_id, []).append(
            {"description": action.description, "owner": owner, "due_on": action.due_on, "done_on": action.done_on}
        )
    outcomes = {
        o.goal_id: o for o in GoalEvaluation.objects.filter(goal_id__in=own_goal_ids).select_related("evaluation")
    }
    eval_scores = EvaluationScore.objects.filter(evaluation__plan__case=case, member_id__in=own_member_ids)
    eval_scores_by_eval: dict[int, list[dict[str, Any]]] = {}
    for es in eval_scores.order_by("domain"):
        eval_scores_by_eval.setdefault(es.evaluation_id, []).append(
            {"domain": es.get_domain_display(), "score": es.score}
        )

    arrangements = list(
        Arrangement.objects.filter(case=case).select_related("item", "provider").order_by("start_date", "id")
    )
    own_arrangement_ids = {a.pk for a in arrangements if a.member_id in own_member_ids}
    for arrangement in arrangements:
        if arrangement.pk not in own_arrangement_ids:
            excluded.add(_key(arrangement))
    decisions = list(Decision.objects.filter(case=case).select_related("decided_by").order_by("decided_at"))
    escalations = list(
        Escalation.objects.filter(case=case).select_related("expert_team", "assigned_expert").order_by("opened_at")
    )
    for decision in decisions:
        if decision.arrangement_id not in own_arrangement_ids:
            excluded.add(_key(decision))
    for escalation in escalations:
        if escalation.arrangement_id is not None and escalation.arrangement_id not in own_arrangement_ids:
            excluded.add(_key(escalation))

    def plan_entry(plan: Plan) -> dict[str, Any]:
        evaluation = getattr(plan, "evaluation", None)
        agreed_ids = {m.pk for m in plan.agreed_members.all()}
        return {
            "version": plan.number,
            "status": plan.get_status_display(),
            "plan_date": plan.plan_date,
            "household_words": plan.household_words,
            "evaluation_due": plan.evaluation_due,
            "agreed_on": plan.agreed_on,
            "agreement_method": plan.get_agreement_method_display() if plan.agreement_method else "",
            "agreed_by_you": bool(agreed_ids & own_member_ids),
            "agreement_remarks": plan.agreement_remarks,
            "activated_on": plan.activated_on,
            "evaluated_on": plan.evaluated_on,
            "goals": [
                {
                    "domain": g.get_domain_display(),
                    "description": g.description,
                    "start_score": g.start_score,
                    "target_score": g.target_score,
                    "target_date": g.target_date,
                    "target_rung": g.get_target_rung_display() if g.target_rung else "",
                    "outcome": outcomes[g.pk].get_outcome_display() if g.pk in outcomes else "",
                    "outcome_household_view": outcomes[g.pk].household_view if g.pk in outcomes else "",
                }
                for g in own_goals.get(plan.pk, [])
            ],
            "actions": plan_actions.get(plan.pk, []),
            "safety_agreements": [{"text": s.text, "who": s.who} for s in plan.safety_agreements.all()],
            "risks": [{"description": r.description, "mitigation": r.mitigation} for r in plan.risks.all()],
            "evaluation": (
                {
                    "date": evaluation.date,
                    "household_view": evaluation.household_view,
                    "your_scores": eval_scores_by_eval.get(evaluation.pk, []),
                }
                if evaluation is not None
                else None
            ),
        }

    return {
        "number": case.number,
        "team": case.team.name,
        "regisseur": _user(case.regisseur),
        "status": case.get_status_display(),
        "line": case.get_line_display(),
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "outcome": case.get_outcome_display() if case.outcome else "",
        "close_reason": case.close_reason,
        "safety_flag": case.safety_flag,
        "notes": [{"at": n.created_at, "author": _user(n.author), "text": n.text} for n in notes],
        "meldcode_steps": [{"step": s.get_step_display(), "done_on": s.done_on} for s in steps],
        "gesprekken": [
            {
                "date": g.date,
                "place": g.place,
                "status": g.get_status_display(),
                "you_present": any(m.pk in own_member_ids for m in g.members.all()),
                "professionals": g.professionals,
                "question_behind": g.question_behind,
                "ladder_own": g.ladder_own,
                "ladder_network": g.ladder_network,
                "ladder_general": g.ladder_general,
                "ladder_tailored": g.ladder_tailored,
                "ladder_skip_reason": g.ladder_skip_reason,
                "your_scores": scores_by_gesprek.get(g.pk, []),
            }
            for g in gesprekken
        ],
        "participation_ladder": [
            {"measured_on": r.measured_on, "rung": r.get_rung_display(), "source": r.get_source_display()}
            for r in rungs
        ],
        "plans": [plan_entry(p) for p in plans],
        "arrangements": [
            {
                "item": a.item.name,
                "law": a.item.get_law_display(),
                "provider": a.provider.name if a.provider else "",
                "status": a.get_status_display(),
                "volume": str(a.volume) if a.volume is not None else "",
                "unit": a.get_unit_display(),
                "frequency": a.get_frequency_display(),
                "start_date": a.start_date,
                "end_date": a.end_date,
                "delivery_form": a.get_delivery_form_display() if a.delivery_form else "",
                "contribution": a.contribution,
                "stop_reason": a.get_stop_reason_display() if a.stop_reason else "",
                "stopped_on": a.stopped_on,
            }
            for a in arrangements
            if a.pk in own_arrangement_ids
        ],
        "decisions": [
            {
                "decided_at": d.decided_at,
                "decided_by": _user(d.decided_by),
                "granted": d.granted,
                "legal_basis": d.legal_basis,
                "product": d.product,
                "volume": d.volume_text,
                "period_start": d.period_start,
                "period_end": d.period_end,
                "motivation": d.motivation,
            }
            for d in decisions
            if d.arrangement_id in own_arrangement_ids
        ],
        "escalations": [
            {
                "opened_at": e.opened_at,
                "expert_team": e.expert_team.name,
                "reason": e.get_reason_display(),
                "urgency": e.get_urgency_display(),
                "question": e.question,
                "status": e.get_status_display(),
                "outcome": e.get_outcome_display() if e.outcome else "",
                "advice": e.advice,
                "closed_at": e.closed_at,
            }
            for e in escalations
            if e.arrangement_id is None or e.arrangement_id in own_arrangement_ids
        ],
    }


def _access_log(
    *, person: Person, cases: list[Case], signals: list[Signal], excluded: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Who read or changed the person's records, and when (NEN 7513: who, what, when, ground)."""
    where = Q(target_type="cases.person", target_id=str(person.uuid))
    if cases:
        where |= Q(case_uuid__in=[c.uuid for c in cases])
    if signals:
        where |= Q(target_type="intake.signal", target_id__in=[str(s.uuid) for s in signals])
    numbers = {c.uuid: c.number for c in cases}
    events = AuditEvent.objects.filter(where).select_related("actor", "organisation").order_by("created_at", "id")
    rows = []
    for event in events:
        if (event.target_type, event.target_id) in excluded:
            continue
        who = event.organisation.name if event.organisation is not None else _user(event.actor) or "systeem"
        rows.append(
            {
                "at": event.created_at,
                "who": who,
                "kind": EventKind(event.kind).label if event.kind in EventKind.values else event.kind,
                "action": action_label(event.action),
                "record": target_label(event.target_type),
                "screen": view_label(event.view) if event.view else "",
                "ground": AccessGround(event.ground).label if event.ground in AccessGround.values else "",
                "case_number": numbers.get(event.case_uuid, "") if event.case_uuid else "",
                "emergency_access": event.flagged,
            }
        )
    return rows
