"""Writes for the household plan.

Every public write is keyword-only, atomic, validated (Dutch messages; nothing is saved
when it raises) and audited once with the case's uuid, so it shows in the case's access
log. Edits of a draft carry the version the editor loaded (`expected_version`): a save
after someone else's raises `PlanConflict` (the shared mechanism of
`socialdomain.concurrency`, also used by the gesprek), which also makes a double submit
harmless. Agreed, active and evaluated versions are frozen: `_assert_draft` here, the
read-only admin, and on PostgreSQL a trigger (migration 0002).

The cases app is used only through its permissions and selectors, intake only through
its selectors.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import notification_send
from cases import permissions as case_permissions
from cases import selectors as case_selectors
from cases.models import Case, HouseholdMember
from intake import selectors as intake_selectors
from intake.constants import Domain, GesprekStatus
from intake.models import Gesprek
from socialdomain.audit import REDACTED, audit_write
from socialdomain.concurrency import StaleVersion, bump_version, check_version, lock_row

from .constants import (
    ADULT_AGE,
    DEFAULT_EVALUATION_MONTHS,
    QUESTIONNAIRE_VALID_DAYS,
    QUESTIONS,
    AgreementMethod,
    GoalOutcome,
    MeasurementSource,
    OwnerKind,
    PlanStatus,
)
from .models import (
    Action,
    Evaluation,
    EvaluationScore,
    Goal,
    GoalEvaluation,
    LadderMeasurement,
    Plan,
    PlanPdfRun,
    PlanSettings,
    QuestionnaireAnswer,
    QuestionnaireInvite,
    ReminderSent,
    Risk,
    SafetyAgreement,
)

MAX_YEARS_AHEAD = 5
MAX_TEXT = 5000  # TextField max_length is not enforced by the model, so here
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: readable when printed
CODE_LENGTH = 12  # 60 bits: not guessable within its validity


class PlanConflict(StaleVersion):
    """The draft was saved by someone else since the editor loaded it."""


@dataclass(frozen=True)
class ScoreInput:
    member_id: int
    domain: str
    score: int


@dataclass(frozen=True)
class OutcomeInput:
    goal_id: int
    outcome: str
    household_view: str = ""


# --- helpers ---------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def evaluation_months(*, municipality_id: int) -> int:
    """The municipality's evaluation interval (PlanSettings), 3 months by default."""
    months = PlanSettings.objects.filter(municipality_id=municipality_id).values_list("evaluation_months", flat=True)
    return next(iter(months), DEFAULT_EVALUATION_MONTHS)


def _assert_write(actor: User, case: Case) -> None:
    if not case_permissions.can_write(actor, case):
        raise PermissionDenied


def _assert_draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Deze versie van het plan is met het gezin afgesproken en kan niet meer worden gewijzigd.")
        )


def _lock_draft(*, actor: User, plan: Plan, expected_version: int) -> Plan:
    current = lock_row(Plan.objects.select_related("case", "case__household"), pk=plan.pk)
    _assert_write(actor, current.case)
    check_version(current, expected_version, conflict=PlanConflict)
    _assert_draft(current)
    return current


def _touch(plan: Plan, actor: User) -> None:
    bump_version(plan)
    plan.updated_by = actor
    plan.save(update_fields=["version", "updated_by", "updated_at"])


def _audit(*, actor: User, action: str, plan: Plan, obj: object = None, changes: dict | None = None) -> None:
    audit_write(
        actor=actor,
        action=action,
        obj=obj or plan,  # type: ignore[arg-type]
        case_uuid=plan.case.uuid,
        changes={"plan": [None, str(plan.uuid)], "version": [None, plan.number], **(changes or {})},
    )


def _check_date(
    errors: dict[str, list[str]], field: str, value: datetime.date | None, *, not_before: datetime.date, label: str
) -> None:
    if value is None:
        errors.setdefault(field, []).append(_("Vul een datum in."))
        return
    if value < not_before:
        errors.setdefault(field, []).append(_("%(label)s ligt vóór de datum van het plan.") % {"label": label})
    if value > timezone.localdate() + datetime.timedelta(days=366 * MAX_YEARS_AHEAD):
        errors.setdefault(field, []).append(_("Deze datum ligt te ver in de toekomst."))


def _members(case: Case) -> dict[int, HouseholdMember]:
    return {m.pk: m for m in case_selectors.household_members(household=case.household)}


def _is_adult(member: HouseholdMember) -> bool:
    return member.person.age >= ADULT_AGE


def _record_rungs(
    *, case: Case, rungs: dict[int, int], on: datetime.date, members: dict[int, HouseholdMember], **source: object
) -> None:
    errors: list[str] = []
    rows = []
    for member_id, rung in rungs.items():
        member = members.get(member_id)
        if member is None:
            errors.append(_("Een trede hoort bij iemand buiten dit huishouden."))
        elif not _is_adult(member):
            errors.append(_("De participatieladder geldt alleen voor volwassen gezinsleden."))
        elif not isinstance(rung, int) or not 1 <= rung <= 6:
            errors.append(_("Een trede van de participatieladder ligt tussen 1 en 6."))
        else:
            rows.append(LadderMeasurement(case=case, member_id=member_id, rung=rung, measured_on=on, **source))  # type: ignore[misc]
    if errors:
        raise ValidationError({"__all__": errors})
    LadderMeasurement.objects.bulk_create(rows)


# --- starting and editing a draft ------------------------------------------------------


@transaction.atomic
def plan_start(*, actor: User, case: Case, gesprek: Gesprek | None = None, rungs: dict[int, int] | None = None) -> Plan:
    """Start the case's plan as a draft, or return the current one if it exists.

    From a final gesprek of the case: one goal per proposed goal (intake's "Voorgestelde
    doelen voor het plan", scores at or below the threshold), starting at the gesprek's
    score, target two steps higher (at most 5), target date at the first evaluation;
    and the participatieladder rungs given for adult members. Idempotent under
    concurrency: the partial unique index lets one insert win; the other request gets
    the winner's plan.
    """
    _assert_write(actor, case)
    if not case.is_open:
        raise ValidationError(_("Dit dossier is gesloten."))
    existing = Plan.objects.filter(case=case, is_current=True).first()
    if existing is not None:
        return existing
    if gesprek is not None and (gesprek.case_id != case.pk or gesprek.status != GesprekStatus.FINAL):
        raise ValidationError(_("Kies een definitief gesprek van dit dossier."))
    today = timezone.localdate()
    months = evaluation_months(municipality_id=case.household.municipality_id)
    plan = Plan(case=case, plan_date=today, created_by=actor, updated_by=actor, source_gesprek=gesprek)
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # Another request started the plan at the same moment: theirs is the plan.
        return Plan.objects.get(case=case, is_current=True)
    goals = []
    if gesprek is not None:
        for position, (member, domain, score) in enumerate(intake_selectors.proposed_goals(gesprek)):
            goals.append(
                Goal(
                    plan=plan,
                    member=member,
                    domain=domain.value,
                    start_score=score,
                    target_score=min(score + 2, 5),
                    target_date=add_months(today, months),
                    position=position,
                )
            )
        Goal.objects.bulk_create(goals)
        if rungs:
            _record_rungs(
                case=case,
                rungs=rungs,
                on=gesprek.date,
                members=_members(case),
                source=MeasurementSource.GESPREK,
                gesprek=gesprek,
            )
    _audit(actor=actor, action="plan_start", plan=plan, changes={"goals": [None, len(goals)]})
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, plan: Plan, expected_version: int, household_words: str, plan_date: datetime.date
) -> Plan:
    """Change the household's own words and the plan date of a draft."""
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if len(household_words) > MAX_TEXT:
        errors["household_words"] = [_("Deze tekst is te lang (hoogstens %(n)s tekens).") % {"n": MAX_TEXT}]
    if (
        plan_date is None
        or plan_date > today + datetime.timedelta(days=366)
        or plan_date < today - datetime.timedelta(days=366)
    ):
        errors["plan_date"] = [_("De datum van het plan moet binnen een jaar van vandaag liggen.")]
    elif current.goals.filter(target_date__lt=plan_date).exists():
        errors["plan_date"] = [_("Er zijn doelen met een streefdatum vóór deze datum.")]
    if errors:
        raise ValidationError(errors)
    changed = [
        f for f, v in (("household_words", household_words), ("plan_date", plan_date)) if getattr(current, f) != v
    ]
    current.household_words = household_words
    current.plan_date = plan_date
    bump_version(current)
    current.updated_by = actor
    current.full_clean(validate_constraints=False)
    current.save(update_fields=["household_words", "plan_date", "version", "updated_by", "updated_at"])
    _audit(actor=actor, action="plan_update", plan=current, changes={f: [None, "*"] for f in changed})
    return current


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: Plan,
    expected_version: int,
    member_id: int,
    domain: str,
    start_score: int,
    target_score: int,
    target_date: datetime.date,
    description: str = "",
    target_rung: int | None = None,
) -> Goal:
    """Add a goal by hand to a draft: a life domain of one member of this household."""
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    members = _members(current.case)
    errors: dict[str, list[str]] = {}
    member = members.get(member_id)
    if member is None:
        errors["member"] = [_("Kies een gezinslid van dit huishouden.")]
    if domain not in Domain.values:
        errors["domain"] = [_("Onbekend leefgebied.")]
    for field, value in (("start_score", start_score), ("target_score", target_score)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[field] = [_("Een score ligt tussen 1 en 5.")]
    if target_rung is not None:
        if not isinstance(target_rung, int) or not 1 <= target_rung <= 6:
            errors["target_rung"] = [_("Een trede van de participatieladder ligt tussen 1 en 6.")]
        elif member is not None and not _is_adult(member):
            errors["target_rung"] = [_("De participatieladder geldt alleen voor volwassen gezinsleden.")]
    _check_date(errors, "target_date", target_date, not_before=current.plan_date, label=_("De streefdatum"))
    if member is not None and current.goals.filter(member_id=member_id, domain=domain).exists():
        errors["domain"] = [_("Dit gezinslid heeft al een doel op dit leefgebied.")]
    if errors:
        raise ValidationError(errors)
    goal = Goal(
        plan=current,
        member=member,
        domain=domain,
        start_score=start_score,
        target_score=target_score,
        target_date=target_date,
        description=description,
        target_rung=target_rung,
        position=current.goals.count(),
    )
    goal.full_clean()
    goal.save()
    _touch(current, actor)
    _audit(actor=actor, action="plan_goal_add", plan=current, obj=goal, changes={"domain": [None, domain]})
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    plan: Plan,
    expected_version: int,
    goal: Goal,
    start_score: int,
    target_score: int,
    target_date: datetime.date,
    description: str = "",
    target_rung: int | None = None,
) -> Goal:
    """Change a goal of a draft: its words, scores, date and rung. Who and which life domain
    stay (another member or domain is another goal: remove this one, add that one); the
    lineage stays, so provisions on the goal stay on it."""
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    if goal.plan_id != current.pk:
        raise ValidationError(_("Dit doel hoort niet bij dit plan."))
    goal = Goal.objects.select_for_update().select_related("member").get(pk=goal.pk)
    errors: dict[str, list[str]] = {}
    for field, value in (("start_score", start_score), ("target_score", target_score)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[field] = [_("Een score ligt tussen 1 en 5.")]
    if target_rung is not None:
        if not isinstance(target_rung, int) or not 1 <= target_rung <= 6:
            errors["target_rung"] = [_("Een trede van de participatieladder ligt tussen 1 en 6.")]
        elif not _is_adult(goal.member):
            errors["target_rung"] = [_("De participatieladder geldt alleen voor volwassen gezinsleden.")]
    _check_date(errors, "target_date", target_date, not_before=current.plan_date, label=_("De streefdatum"))
    if errors:
        raise ValidationError(errors)
    fields = ("start_score", "target_score", "target_date", "description", "target_rung")
    before = {f: getattr(goal, f) for f in fields}
    goal.start_score, goal.target_score, goal.target_date = start_score, target_score, target_date
    goal.description, goal.target_rung = description, target_rung
    goal.full_clean()
    goal.save(update_fields=list(fields))
    _touch(current, actor)
    after = {f: getattr(goal, f) for f in fields}
    # The goal's words are the household's own: the log records that they changed, not what they say.
    changes = {f: ([before[f], after[f]] if f != "description" else REDACTED) for f in fields if before[f] != after[f]}
    _audit(actor=actor, action="plan_goal_update", plan=current, obj=goal, changes=changes)
    return goal


@transaction.atomic
def goal_remove(*, actor: User, plan: Plan, expected_version: int, goal: Goal) -> None:
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    if goal.plan_id != current.pk:
        raise ValidationError(_("Dit doel hoort niet bij dit plan."))
    _audit(actor=actor, action="plan_goal_remove", plan=current, obj=goal, changes={"domain": [goal.domain, None]})
    goal.delete()
    _touch(current, actor)


def _resolve_owner(*, case: Case, owner_kind: str, owner_id: int | None) -> dict[str, object]:
    """The owner FK for the kind; ValidationError when it is not of this household/municipality."""
    municipality_id = case.household.municipality_id
    wrong = ValidationError({"owner": [_("Kies iemand van dit huishouden, zijn netwerk of deze gemeente.")]})
    if owner_kind not in OwnerKind.values:
        raise ValidationError({"owner_kind": [_("Kies wie de actie uitvoert.")]})
    if owner_kind == OwnerKind.REGISSEUR:
        return {}
    if owner_id is None:
        raise ValidationError({"owner": [_("Kies wie de actie uitvoert.")]})
    if owner_kind == OwnerKind.MEMBER:
        if not case_selectors.household_members(household=case.household).filter(pk=owner_id).exists():
            raise wrong
        return {"owner_member_id": owner_id}
    if owner_kind == OwnerKind.NETWORK:
        if not case_selectors.household_network(household=case.household).filter(pk=owner_id).exists():
            raise wrong
        return {"owner_contact_id": owner_id}
    if owner_kind == OwnerKind.ORGANISATION:
        if not Organisation.objects.filter(pk=owner_id, municipalities__id=municipality_id).exists():
            raise wrong
        return {"owner_organisation_id": owner_id}
    if not User.objects.filter(
        pk=owner_id, is_active=True, memberships__team__municipality_id=municipality_id
    ).exists():
        raise wrong
    return {"owner_user_id": owner_id}


@transaction.atomic
def action_add(
    *,
    actor: User,
    plan: Plan,
    expected_version: int,
    description: str,
    owner_kind: str,
    owner_id: int | None,
    due_on: datetime.date,
    goal: Goal | None = None,
) -> Action:
    """Add an agreed action to a draft, with an owner from this household, its network, a
    partner organisation of the municipality, the regisseur or a colleague of the municipality."""
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("Beschrijf de actie.")]
    if goal is not None and goal.plan_id != current.pk:
        errors["goal"] = [_("Dit doel hoort niet bij dit plan.")]
    _check_date(errors, "due_on", due_on, not_before=current.plan_date, label=_("De datum"))
    try:
        owner = _resolve_owner(case=current.case, owner_kind=owner_kind, owner_id=owner_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        owner = {}
    if errors:
        raise ValidationError(errors)
    action = Action(
        plan=current, goal=goal, description=description.strip(), owner_kind=owner_kind, due_on=due_on, **owner
    )  # type: ignore[arg-type]
    action.full_clean()
    action.save()
    _touch(current, actor)
    _audit(actor=actor, action="plan_action_add", plan=current, obj=action, changes={"owner_kind": [None, owner_kind]})
    return action


@transaction.atomic
def action_done(*, actor: User, action: Action, done_on: datetime.date | None = None) -> Action:
    """Mark an action done (also on an agreed or active plan: progress, not a change of the
    agreement; the trigger lets exactly this column change). Done twice stays done once."""
    current = lock_row(Action.objects.select_related("plan__case"), pk=action.pk)
    _assert_write(actor, current.plan.case)
    if current.plan.status == PlanStatus.EVALUATED or not current.plan.is_current:
        raise ValidationError(_("Deze versie van het plan is al geëvalueerd."))
    if current.done_on is not None:
        return current
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": [_("De datum ligt in de toekomst.")]})
    current.done_on = done_on
    current.save(update_fields=["done_on"])
    _audit(actor=actor, action="plan_action_done", plan=current.plan, obj=current, changes={"done_on": [None, done_on]})
    return current


@transaction.atomic
def safety_agreement_add(*, actor: User, plan: Plan, expected_version: int, text: str, who: str) -> SafetyAgreement:
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    if not current.case.safety_flag:
        raise ValidationError(_("Veiligheidsafspraken horen bij een dossier met een veiligheidssignaal."))
    if not text.strip() or not who.strip():
        raise ValidationError({"text": [_("Vul de afspraak en wie hem nakomt in.")]})
    agreement = SafetyAgreement(plan=current, text=text.strip(), who=who.strip())
    agreement.full_clean()
    agreement.save()
    _touch(current, actor)
    _audit(actor=actor, action="plan_safety_add", plan=current, obj=agreement)
    return agreement


@transaction.atomic
def risk_add(*, actor: User, plan: Plan, expected_version: int, description: str, mitigation: str = "") -> Risk:
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    if not description.strip():
        raise ValidationError({"description": [_("Beschrijf het risico.")]})
    risk = Risk(plan=current, description=description.strip(), mitigation=mitigation.strip())
    risk.full_clean()
    risk.save()
    _touch(current, actor)
    _audit(actor=actor, action="plan_risk_add", plan=current, obj=risk)
    return risk


# --- agreement, activation, evaluation -------------------------------------------------


@transaction.atomic
def plan_agree(
    *,
    actor: User,
    plan: Plan,
    expected_version: int,
    member_ids: Iterable[int],
    agreed_on: datetime.date,
    method: str,
    remarks: str = "",
) -> Plan:
    """Record the household's agreement: which members, when, how, their remarks.

    From here the version is frozen. The evaluation date follows from the municipality's
    interval. Raises ValidationError without a member, with a member of another
    household, a date in the future or before the plan, or a plan without goals.
    """
    current = _lock_draft(actor=actor, plan=plan, expected_version=expected_version)
    members = _members(current.case)
    ids = set(member_ids)
    errors: dict[str, list[str]] = {}
    if not ids:
        errors["members"] = [_("Kies ten minste één gezinslid dat akkoord geeft.")]
    elif ids - set(members):
        errors["members"] = [_("Een gezinslid hoort niet bij dit huishouden.")]
    if method not in AgreementMethod.values:
        errors["method"] = [_("Kies hoe het gezin akkoord gaf.")]
    if agreed_on is None or agreed_on > timezone.localdate():
        errors["agreed_on"] = [_("De datum van akkoord ligt in de toekomst.")]
    elif agreed_on < current.plan_date:
        errors["agreed_on"] = [_("De datum van akkoord ligt vóór de datum van het plan.")]
    if not current.goals.exists():
        errors.setdefault("__all__", []).append(_("Een plan zonder doelen kan niet worden afgesproken."))
    if errors:
        raise ValidationError(errors)
    # Members first: the trigger refuses changes to an agreed version, so the status goes last.
    current.agreed_members.set(ids)
    current.agreed_on = agreed_on
    current.agreement_method = method
    current.agreement_remarks = remarks
    current.evaluation_due = add_months(
        agreed_on, evaluation_months(municipality_id=current.case.household.municipality_id)
    )
    current.status = PlanStatus.AGREED
    bump_version(current)
    current.updated_by = actor
    current.full_clean(validate_constraints=False)
    current.save()
    _audit(
        actor=actor,
        action="plan_agree",
        plan=current,
        changes={
            "status": [PlanStatus.DRAFT, PlanStatus.AGREED],
            "members": [None, len(ids)],
            "method": [None, method],
        },
    )
    return current


@transaction.atomic
def plan_activate(*, actor: User, plan: Plan) -> Plan:
    """Start the agreed plan (agreed → active). Idempotent."""
    current = lock_row(Plan.objects.select_related("case"), pk=plan.pk)
    _assert_write(actor, current.case)
    if current.status == PlanStatus.ACTIVE:
        return current
    if current.status != PlanStatus.AGREED:
        raise ValidationError(_("Alleen een afgesproken plan kan worden gestart."))
    current.status = PlanStatus.ACTIVE
    current.activated_on = timezone.localdate()
    current.save(update_fields=["status", "activated_on", "updated_at"])
    _audit(
        actor=actor, action="plan_activate", plan=current, changes={"status": [PlanStatus.AGREED, PlanStatus.ACTIVE]}
    )
    return current


@transaction.atomic
def plan_evaluate(
    *,
    actor: User,
    plan: Plan,
    date: datetime.date,
    scores: list[ScoreInput],
    outcomes: list[OutcomeInput],
    rungs: dict[int, int] | None = None,
    household_view: str = "",
) -> Plan:
    """Evaluate an agreed or active version and start the next one; returns the new draft.

    Records the new self-reliance scores (required: at least one, and one for every
    goal's member and domain), the ladder rungs of adults, and an outcome per goal with
    the household's view. The version becomes evaluated and stops being current; the
    next version is a draft copy linked to it with the goals not achieved (starting at
    the new score) and the open actions, safety agreements and risks. A second submit
    finds the evaluation already made and changes nothing.
    """
    current = lock_row(Plan.objects.select_related("case", "case__household"), pk=plan.pk)
    _assert_write(actor, current.case)
    if current.status == PlanStatus.EVALUATED:
        raise ValidationError(_("Deze versie van het plan is al geëvalueerd."))
    if current.status == PlanStatus.DRAFT:
        raise ValidationError(_("Een concept kan niet worden geëvalueerd: spreek het plan eerst af met het gezin."))
    members = _members(current.case)
    goals = {g.pk: g for g in current.goals.all()}
    errors: dict[str, list[str]] = {}
    if date is None or date > timezone.localdate():
        errors["date"] = [_("De datum van de evaluatie ligt in de toekomst.")]
    elif current.agreed_on and date < current.agreed_on:
        errors["date"] = [_("De evaluatie ligt vóór het akkoord op het plan.")]
    if not scores:
        errors.setdefault("__all__", []).append(_("Vul de scores van de zelfredzaamheid opnieuw in."))
    score_map: dict[tuple[int, str], int] = {}
    for s in scores:
        if s.member_id not in members or s.domain not in Domain.values:
            errors.setdefault("__all__", []).append(_("Een score hoort bij iemand buiten dit huishouden."))
        elif not isinstance(s.score, int) or not 1 <= s.score <= 5:
            errors.setdefault("__all__", []).append(_("Een score moet tussen 1 en 5 liggen."))
        else:
            score_map[(s.member_id, s.domain)] = s.score
    if scores and any((g.member_id, g.domain) not in score_map for g in goals.values()):
        errors.setdefault("__all__", []).append(_("Vul voor elk doel de nieuwe score in."))
    outcome_map = {o.goal_id: o for o in outcomes}
    if set(outcome_map) != set(goals) or any(o.outcome not in GoalOutcome.values for o in outcomes):
        errors.setdefault("__all__", []).append(_("Geef voor elk doel aan of het bereikt is."))
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation(plan=current, date=date, household_view=household_view, created_by=actor)
    evaluation.full_clean(validate_unique=False)
    evaluation.save()
    EvaluationScore.objects.bulk_create(
        EvaluationScore(evaluation=evaluation, member_id=m, domain=d, score=v) for (m, d), v in score_map.items()
    )
    GoalEvaluation.objects.bulk_create(
        GoalEvaluation(evaluation=evaluation, goal_id=o.goal_id, outcome=o.outcome, household_view=o.household_view)
        for o in outcome_map.values()
    )
    if rungs:
        _record_rungs(
            case=current.case,
            rungs=rungs,
            on=date,
            members=members,
            source=MeasurementSource.EVALUATION,
            evaluation=evaluation,
        )
    current.status = PlanStatus.EVALUATED
    current.evaluated_on = date
    current.is_current = False
    current.save(update_fields=["status", "evaluated_on", "is_current", "updated_at"])
    successor = _next_version(actor=actor, plan=current, on=date, scores=score_map, outcomes=outcome_map)
    _audit(
        actor=actor,
        action="plan_evaluate",
        plan=current,
        obj=evaluation,
        changes={"status": [PlanStatus.ACTIVE, PlanStatus.EVALUATED], "next_version": [None, successor.number]},
    )
    return successor


def _next_version(
    *, actor: User, plan: Plan, on: datetime.date, scores: dict[tuple[int, str], int], outcomes: dict[int, OutcomeInput]
) -> Plan:
    months = evaluation_months(municipality_id=plan.case.household.municipality_id)
    successor = Plan.objects.create(
        case=plan.case,
        number=plan.number + 1,
        predecessor=plan,
        household_words=plan.household_words,
        plan_date=on,
        created_by=actor,
        updated_by=actor,
    )
    goal_map: dict[int, Goal] = {}
    for goal in plan.goals.all():
        if outcomes[goal.pk].outcome == GoalOutcome.ACHIEVED:
            continue
        copy = Goal.objects.create(
            plan=successor,
            lineage=goal.lineage,
            origin=goal,
            member_id=goal.member_id,
            domain=goal.domain,
            description=goal.description,
            start_score=scores.get((goal.member_id, goal.domain), goal.start_score),
            target_score=goal.target_score,
            target_date=max(goal.target_date, add_months(on, months)),
            target_rung=goal.target_rung,
            position=goal.position,
        )
        goal_map[goal.pk] = copy
    Action.objects.bulk_create(
        Action(
            plan=successor,
            goal=goal_map.get(a.goal_id) if a.goal_id else None,
            description=a.description,
            owner_kind=a.owner_kind,
            owner_member_id=a.owner_member_id,
            owner_contact_id=a.owner_contact_id,
            owner_organisation_id=a.owner_organisation_id,
            owner_user_id=a.owner_user_id,
            due_on=a.due_on,
            origin=a,
        )
        for a in plan.actions.filter(done_on__isnull=True)
        if a.goal_id is None or a.goal_id in goal_map
    )
    SafetyAgreement.objects.bulk_create(
        SafetyAgreement(plan=successor, text=s.text, who=s.who) for s in plan.safety_agreements.all()
    )
    Risk.objects.bulk_create(
        Risk(plan=successor, description=r.description, mitigation=r.mitigation) for r in plan.risks.all()
    )
    return successor


# --- reminders -------------------------------------------------------------------------


def _plan_url(plan: Plan) -> str:
    return reverse("plan:detail", kwargs={"uuid": plan.case.uuid})


def _remind(*, key: str, day: datetime.date, plan: Plan, text: str) -> bool:
    recipient = plan.case.regisseur
    try:
        with transaction.atomic():
            ReminderSent.objects.create(item_key=key, day=day, plan=plan, recipient=recipient)
            notification_send(recipient=recipient, text=text, link=_plan_url(plan))
    except IntegrityError:
        return False  # already reminded today (a second run, or a parallel one)
    if recipient.email and getattr(settings, "PLAN_REMINDER_EMAIL", True):
        address = recipient.email
        transaction.on_commit(
            lambda: send_mail(
                subject=str(_("Herinnering plan")),
                message=text,
                from_email=None,
                recipient_list=[address],
                fail_silently=True,
            )
        )
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Tell regisseurs about overdue evaluations and actions of running plans, once per
    item per day (a unique row per item and day); returns how many were sent.

    Texts hold the case number only, no personal data.
    """
    today = today or timezone.localdate()
    sent = 0
    overdue_plans = (
        Plan.objects.current()
        .running()
        .filter(evaluation_due__lt=today, case__status="open")
        .select_related("case__regisseur")
        .order_by("pk")
    )
    for plan in overdue_plans:
        text = _("Evaluatie van het plan van dossier %(number)s is te laat") % {"number": plan.case.number}
        sent += _remind(key=f"evaluation:{plan.uuid}", day=today, plan=plan, text=text)
    overdue_actions = (
        Action.objects.filter(
            plan__is_current=True,
            plan__status__in=[PlanStatus.AGREED, PlanStatus.ACTIVE],
            plan__case__status="open",
            done_on__isnull=True,
            due_on__lt=today,
        )
        .select_related("plan__case__regisseur")
        .order_by("pk")
    )
    for action in overdue_actions:
        text = _("Een actie in het plan van dossier %(number)s is over datum") % {"number": action.plan.case.number}
        sent += _remind(key=f"action:{action.uuid}", day=today, plan=action.plan, text=text)
    return sent


# --- PDF runs --------------------------------------------------------------------------


@transaction.atomic
def pdf_run_create(*, actor: User, plan: Plan) -> PlanPdfRun:
    """A run row for a large plan's PDF; the task is enqueued after commit."""
    from . import tasks

    run = PlanPdfRun.objects.create(plan=plan, requested_by=actor)
    transaction.on_commit(lambda: tasks.render_plan_pdf.delay(run.pk))
    _audit(actor=actor, action="plan_pdf_request", plan=plan, obj=run)
    return run


# --- client-experience questionnaire ---------------------------------------------------


def _hash(code: str) -> str:
    normalised = "".join(c for c in code.upper() if c in CODE_ALPHABET)
    return hashlib.sha256(f"{settings.SECRET_KEY}:{normalised}".encode()).hexdigest()


def _token_hash(token: uuid.UUID | str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:link:{token}".encode()).hexdigest()


@transaction.atomic
def questionnaire_invite_create(*, actor: User, plan: Plan) -> tuple[QuestionnaireInvite, str, uuid.UUID]:
    """A single-use code and link for the household, valid QUESTIONNAIRE_VALID_DAYS; after
    agreement or evaluation only. Returns the invite, the printable code and the link's
    token (both shown once, stored only hashed)."""
    _assert_write(actor, plan.case)
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(_("De vragenlijst hoort bij een afgesproken of geëvalueerd plan."))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    token = uuid.uuid4()
    invite = QuestionnaireInvite.objects.create(
        case=plan.case,
        plan=plan,
        code_hash=_hash(code),
        token_hash=_token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=QUESTIONNAIRE_VALID_DAYS),
    )
    _audit(actor=actor, action="plan_questionnaire_invite", plan=plan, obj=invite)
    return invite, code, token


def questionnaire_invite_valid(
    *, code: str | None = None, token: uuid.UUID | None = None, invite_id: int | None = None
) -> QuestionnaireInvite | None:
    """The unused, unexpired invite for this code, link token or id; None otherwise
    (expired, used and wrong look alike)."""
    qs = QuestionnaireInvite.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())
    if code is not None:
        return qs.filter(code_hash=_hash(code)).first()
    if token is not None:
        return qs.filter(token_hash=_token_hash(token)).first()
    if invite_id is not None:
        return qs.filter(pk=invite_id).first()
    return None


@transaction.atomic
def questionnaire_answer(*, invite_id: int, answers: dict[str, int], remarks: str = "") -> QuestionnaireAnswer:
    """Store the answers once; the invite is used up in the same transaction.

    No actor: the household answers without logging in, and the answer is linked to the
    case and plan version only, never to a person or user.
    """
    invite = QuestionnaireInvite.objects.select_for_update().filter(pk=invite_id).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= timezone.now():
        raise ValidationError(_("Deze code is niet (meer) geldig."))
    keys = [k for k, _label in QUESTIONS]
    if set(answers) != set(keys) or any(not isinstance(v, int) or not 1 <= v <= 5 for v in answers.values()):
        raise ValidationError(_("Beantwoord alle vragen met een cijfer van 1 tot en met 5."))
    answer = QuestionnaireAnswer(
        case_id=invite.case_id, plan_id=invite.plan_id, remarks=remarks, answered_on=timezone.localdate(), **answers
    )
    answer.full_clean()
    answer.save()
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    return answer
