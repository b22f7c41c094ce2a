"""Writes of arrangements, escalations and decisions (keyword-only, atomic, audited).

Every grant, change and stop recomputes the arrangement's monthly schedule, stores it
(`CommitmentMonth`) and announces it through `arrangements.hooks.commitment_changed`
inside the same transaction, so a refusing budget listener rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_lib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role, TeamKind
from accounts.models import Organisation, Team, User
from accounts.services import notification_send
from cases import permissions as case_permissions
from cases.models import Case, HouseholdMember
from plan import selectors as plan_selectors
from socialdomain.audit import audit_write
from socialdomain.pdf import render_pdf

from . import access as expert_access
from . import cost, totals
from .constants import (
    COMMITTED_STATUSES,
    ArrangementStatus,
    CeilingApprovalStatus,
    EscalationOutcome,
    EscalationReason,
    EscalationStatus,
    Frequency,
    StopReason,
    Urgency,
)
from .hooks import CommitmentChange, MonthAmount, commitment_changed, is_over_ceiling
from .models import (
    Arrangement,
    CatalogueItem,
    CeilingApproval,
    CommitmentMonth,
    Decision,
    Escalation,
    EscalationWarning,
    Mandate,
    Tariff,
)

MAX_PAST_START_DAYS = 366
MAX_PERIOD_DAYS = 5 * 366
MAX_VOLUME = Decimal("100000")


def _money(value: Decimal) -> str:
    return f"€ {value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


# --- catalogue ---------------------------------------------------------------------------


def tariff_close_previous(*, tariff: Tariff) -> None:
    """Close the item's open-ended tariff that starts before `tariff` on the day before it."""
    previous = (
        Tariff.objects.select_for_update()
        .filter(item_id=tariff.item_id, valid_until__isnull=True, valid_from__lt=tariff.valid_from)
        .exclude(pk=tariff.pk)
        .first()
    )
    if previous is not None:
        previous.valid_until = tariff.valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_until"])


@transaction.atomic
def tariff_add(
    *,
    actor: User | None,
    item: CatalogueItem,
    amount: Decimal,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
) -> Tariff:
    """Add a tariff from `valid_from`; the open-ended current tariff is closed the day before.

    The past is never rewritten: a new tariff may not overlap another period, and a change
    of the current tariff starts today or later (`Tariff.clean`). Raises ValidationError.
    """
    if valid_from is None:
        raise ValidationError({"valid_from": _("Een tarief heeft een ingangsdatum nodig.")}, code="no_validity")
    if item.is_general:
        raise ValidationError(_("Een algemene voorziening heeft geen tarief."), code="general_no_tariff")
    list(Tariff.objects.select_for_update().filter(item=item).order_by("pk"))  # serialise changes per item
    tariff = Tariff(item=item, amount=amount, valid_from=valid_from, valid_until=valid_until)
    tariff.full_clean()
    tariff_close_previous(tariff=tariff)
    tariff.save()
    audit_write(
        actor=actor,
        action="tariff_add",
        obj=item,
        changes={"amount": [None, amount], "valid_from": [None, valid_from], "valid_until": [None, valid_until]},
    )
    return tariff


# --- the estimate and the mandate ---------------------------------------------------------


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Vul een getal in.")}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError({field: _("Vul een getal in.")}, code="invalid")
    return number


def arrangement_estimate(
    *,
    case: Case,
    item: CatalogueItem | None,
    member: HouseholdMember | None,
    provider: Organisation | None,
    volume: Any,
    start_date: dt.date | None,
    end_date: dt.date | None,
    delivery_form: str = "",
) -> cost.Estimate:
    """Check the input of an arrangement and compute its cost; ValidationError per field.

    Used before saving (the live estimate) and by every service that saves one.
    """
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if item is None:
        err("item", _("Kies een voorziening."))
    elif item.municipality_id != case.team.municipality_id or not item.active:
        err("item", _("Deze voorziening staat niet in de catalogus van deze gemeente."))
    if member is None:
        err("member", _("Kies een gezinslid."))
    elif member.household_id != case.household_id:
        err("member", _("Dit gezinslid hoort niet bij het huishouden van dit dossier."))
    number = None
    try:
        number = _decimal(volume, "volume")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if number is not None and number <= 0:
        err("volume", _("De omvang moet groter zijn dan nul."))
    if number is not None and number > MAX_VOLUME:
        err("volume", _("Deze omvang is onwaarschijnlijk groot."))
    if start_date is None:
        err("start_date", _("Vul een startdatum in."))
    today = timezone.localdate()
    if start_date and start_date < today - dt.timedelta(days=MAX_PAST_START_DAYS):
        err("start_date", _("De startdatum ligt meer dan een jaar in het verleden."))
    if start_date and start_date > today + dt.timedelta(days=MAX_PAST_START_DAYS):
        err("start_date", _("De startdatum ligt meer dan een jaar in de toekomst."))
    if start_date and end_date:
        if end_date < start_date:
            err("end_date", _("De einddatum ligt voor de startdatum."))
        elif (end_date - start_date).days > MAX_PERIOD_DAYS:
            err("end_date", _("Een voorziening duurt hoogstens vijf jaar."))
    if item is not None and "item" not in errors:
        if provider is not None and not item.providers.filter(pk=provider.pk).exists():
            err("provider", _("Deze aanbieder is niet gecontracteerd voor deze voorziening."))
        if not item.is_general:
            if number is None and "volume" not in errors:
                err("volume", _("Vul de omvang in."))
            if end_date is None:
                err("end_date", _("Een maatwerkvoorziening heeft een einddatum."))
            if provider is None:
                err("provider", _("Kies een gecontracteerde aanbieder."))
            if delivery_form not in item.delivery_forms():
                err("delivery_form", _("Deze leveringsvorm is voor deze voorziening niet mogelijk."))
        elif delivery_form and delivery_form not in item.delivery_forms():
            err("delivery_form", _("Deze leveringsvorm is voor deze voorziening niet mogelijk."))
    if errors:
        raise ValidationError(errors)
    assert item is not None and start_date is not None
    if item.is_general or number is None:
        return cost.EMPTY
    tariffs = list(item.tariffs.all())
    if not tariffs:
        raise ValidationError({"item": _("Voor deze voorziening is nog geen tarief vastgesteld.")}, code="no_tariff")
    try:
        return cost.estimate(
            volume=number, frequency=item.frequency, start=start_date, end=end_date or start_date, tariffs=tariffs
        )
    except ValidationError as exc:
        raise ValidationError({"start_date": exc.messages}) from None


def household_year_totals(*, household_id: int, years: set[int], exclude_pk: int | None = None) -> dict[int, Decimal]:
    """The committed cost of the household's running arrangements per calendar year (one query)."""
    months = CommitmentMonth.objects.filter(
        arrangement__case__household_id=household_id,
        arrangement__status__in=COMMITTED_STATUSES,
        month__year__in=years,
    )
    if exclude_pk is not None:
        months = months.exclude(arrangement_id=exclude_pk)
    rows = months.values("month__year").annotate(total=Sum("amount"))
    return {r["month__year"]: r["total"] for r in rows}


def mandate_reasons(
    *, actor: User, case: Case, item: CatalogueItem, estimate: cost.Estimate, exclude_pk: int | None = None
) -> list[str]:
    """Why `actor` may not grant this arrangement on this case themselves (empty: within mandate).

    Each reason is a complete Dutch sentence. General provisions are always within mandate.
    """
    if item.is_general:
        return []
    if item.indication_required:
        return [
            _(
                "Voor “%(item)s” is een indicatie van het expertiseteam nodig: "
                "alleen het expertiseteam kan dit toekennen."
            )
            % {"item": item.name}
        ]
    roles = actor.memberships.filter(team_id=case.team_id).values("role")
    mandate = Mandate.objects.filter(team_id=case.team_id, role__in=roles).order_by("-max_per_arrangement").first()
    if mandate is None:
        return [_("U heeft in dit team geen mandaat om maatwerkvoorzieningen toe te kennen.")]
    reasons: list[str] = []
    if not mandate.items.filter(pk=item.pk).exists():
        reasons.append(_("“%(item)s” valt niet onder uw mandaat.") % {"item": item.name})
    if estimate.total > mandate.max_per_arrangement:
        reasons.append(
            _("De geraamde kosten (%(cost)s) zijn hoger dan uw mandaat van %(max)s per voorziening.")
            % {"cost": _money(estimate.total), "max": _money(mandate.max_per_arrangement)}
        )
    new = cost.year_totals(estimate.months)
    before = household_year_totals(household_id=case.household_id, years=set(new), exclude_pk=exclude_pk)
    for year in sorted(new):
        total = before.get(year, Decimal("0.00")) + new[year]
        if total > mandate.max_per_household_year:
            reasons.append(
                _(
                    "Met deze voorziening komen de kosten voor dit huishouden in %(year)s op %(total)s; "
                    "uw mandaat is %(max)s per huishouden per kalenderjaar."
                )
                % {"year": year, "total": _money(total), "max": _money(mandate.max_per_household_year)}
            )
    return reasons


def beyond_mandate(reasons: list[str]) -> ValidationError:
    """The refusal beyond the mandate: each reason a ValidationError with code "beyond_mandate"."""
    return ValidationError([ValidationError(r, code="beyond_mandate") for r in reasons])


def is_beyond_mandate(exc: ValidationError) -> bool:
    return not hasattr(exc, "error_dict") and any(e.code == "beyond_mandate" for e in exc.error_list)


# --- arrangements ------------------------------------------------------------------------


def _require_write(actor: User, case: Case) -> None:
    if not case_permissions.can_write(actor, case):
        raise PermissionDenied


def _store_schedule(
    arrangement: Arrangement,
    months: tuple[MonthAmount, ...],
    *,
    kind: str,
    actor: User | None,
    ceiling_approved_by: int | None = None,
) -> None:
    """Replace the stored schedule, keep the totals in step and tell the budget (inside the
    caller's transaction, on the locked arrangement)."""
    stored = CommitmentMonth.objects.filter(arrangement=arrangement)
    before = dict(stored.values_list("month", "amount"))
    stored.delete()
    CommitmentMonth.objects.bulk_create(
        [CommitmentMonth(arrangement=arrangement, month=m.month, amount=m.amount) for m in months]
    )
    case = arrangement.case
    totals.shift(
        arrangement,
        municipality_id=case.team.municipality_id,
        old=before,
        new={m.month: m.amount for m in months},
    )
    commitment_changed(
        CommitmentChange(
            arrangement_id=arrangement.pk,
            municipality_id=case.team.municipality_id,
            team_id=case.team_id,
            household_id=case.household_id,
            provider_id=arrangement.provider_id,
            law=arrangement.item.law,
            taakveld=arrangement.item.taakveld,
            kind=kind,  # type: ignore[arg-type]
            schedule=tuple(months),
            actor_id=actor.pk if actor is not None else None,
            ceiling_approved_by=ceiling_approved_by,
        )
    )


def _check_goal(*, case: Case, member: HouseholdMember, goal_lineage: uuid_lib.UUID | None) -> None:
    """The goal must be one of the case's current plan (any member: a goal of the household)."""
    if goal_lineage is None:
        return
    if goal_lineage not in plan_selectors.goal_lineages_for_case(case=case):
        raise ValidationError({"goal": _("Dit doel staat niet in het huidige plan van dit dossier.")})


def _new_arrangement(
    *,
    actor: User,
    case: Case,
    item: CatalogueItem,
    member: HouseholdMember,
    provider: Organisation | None,
    volume: Any,
    start_date: dt.date,
    end_date: dt.date | None,
    delivery_form: str,
    contribution: str,
    review_date: dt.date | None,
    estimate: cost.Estimate,
    status: str,
    submission: uuid_lib.UUID | None,
    goal_lineage: uuid_lib.UUID | None = None,
) -> Arrangement:
    _check_goal(case=case, member=member, goal_lineage=goal_lineage)
    if review_date is None and not item.is_general:
        review_date = min(end_date or start_date, start_date + dt.timedelta(days=90))
    arrangement = Arrangement(
        case=case,
        member=member,
        item=item,
        provider=provider,
        volume=_decimal(volume, "volume"),
        unit=item.unit,
        frequency=item.frequency,
        start_date=start_date,
        end_date=end_date,
        delivery_form=delivery_form,
        contribution=contribution.strip(),
        status=status,
        cost_total=estimate.total,
        requested_by=actor,
        review_date=review_date,
        submission=submission,
        goal_lineage=goal_lineage,
    )
    if status == ArrangementStatus.GRANTED:
        arrangement.granted_by = actor
        arrangement.granted_at = timezone.now()
    arrangement.full_clean(exclude=["submission"])
    arrangement.save()
    return arrangement


def _new_within_mandate(*, actor: User, case: Case, status: str, **fields: Any) -> tuple[Arrangement, Any]:
    """Estimate the cost, refuse beyond the actor's mandate (`beyond_mandate`), then create
    the arrangement in `status`: the shared first half of a grant and of a ceiling request."""
    estimate_fields = ("item", "member", "provider", "volume", "start_date", "end_date", "delivery_form")
    estimate = arrangement_estimate(case=case, **{k: fields[k] for k in estimate_fields})
    reasons = mandate_reasons(actor=actor, case=case, item=fields["item"], estimate=estimate)
    if reasons:
        raise beyond_mandate(reasons)
    arrangement = _new_arrangement(actor=actor, case=case, estimate=estimate, status=status, **fields)
    return arrangement, estimate


@transaction.atomic
def arrangement_grant(
    *,
    actor: User,
    case: Case,
    item: CatalogueItem,
    member: HouseholdMember,
    provider: Organisation | None = None,
    volume: Any = None,
    start_date: dt.date,
    end_date: dt.date | None = None,
    delivery_form: str = "",
    contribution: str = "",
    review_date: dt.date | None = None,
    submission: uuid_lib.UUID | None = None,
    goal_lineage: uuid_lib.UUID | None = None,
) -> Arrangement:
    """Grant an arrangement within the actor's mandate (regisseur on their own case).

    Beyond the mandate nothing is saved: ValidationError with code "beyond_mandate" and
    the Dutch reasons (see `mandate_reasons`); the view then offers the escalation.
    The same `submission` twice returns the first arrangement.
    """
    _require_write(actor, case)
    if submission is not None and (done := Arrangement.objects.filter(submission=submission, case=case).first()):
        return done
    arrangement, estimate = _new_within_mandate(
        actor=actor,
        case=case,
        item=item,
        member=member,
        provider=provider,
        volume=volume,
        start_date=start_date,
        end_date=end_date,
        delivery_form=delivery_form,
        contribution=contribution,
        review_date=review_date,
        status=ArrangementStatus.GRANTED,
        submission=submission,
        goal_lineage=goal_lineage,
    )
    _store_schedule(arrangement, estimate.months, kind="grant", actor=actor)
    audit_write(
        actor=actor,
        action="arrangement_grant",
        obj=arrangement,
        case_uuid=case.uuid,
        changes={"status": [None, arrangement.status], "item": [None, item.pk], "cost_total": [None, estimate.total]},
    )
    return arrangement


def working_days_after(start: dt.date, days: int) -> dt.date:
    """`days` working days (Monday-Friday) after `start`. Public holidays are not counted out."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def escalation_default_deadline(*, urgency: str, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    if urgency == Urgency.SAFETY:
        return today
    if urgency == Urgency.HIGH:
        return working_days_after(today, max(1, settings.ESCALATION_DEADLINE_WORKING_DAYS // 2))
    return working_days_after(today, settings.ESCALATION_DEADLINE_WORKING_DAYS)


def expert_teams_for_case(*, case: Case):  # type: ignore[no-untyped-def]
    return Team.objects.filter(municipality_id=case.team.municipality_id, kind=TeamKind.EXPERTISETEAM).order_by("name")


def experts_of_team(*, team: Team):  # type: ignore[no-untyped-def]
    return (
        User.objects.filter(memberships__team=team, memberships__role=Role.EXPERT, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


@transaction.atomic
def escalation_open(
    *,
    actor: User,
    case: Case,
    expert_team: Team,
    reason: str,
    urgency: str,
    question: str,
    arrangement: Arrangement | None = None,
    assigned_expert: User | None = None,
    deadline: dt.date | None = None,
    submission: uuid_lib.UUID | None = None,
) -> Escalation:
    """Put a question about the case to the expert team; the assigned expert gets read access.

    The deadline defaults to `ESCALATION_DEADLINE_WORKING_DAYS` working days, the same day
    for safety. Raises PermissionDenied without write access, ValidationError for bad input.
    """
    _require_write(actor, case)
    if submission is not None and (done := Escalation.objects.filter(submission=submission, case=case).first()):
        return done
    if expert_team.kind != TeamKind.EXPERTISETEAM or expert_team.municipality_id != case.team.municipality_id:
        raise ValidationError({"expert_team": _("Kies het expertiseteam van deze gemeente.")})
    if assigned_expert is not None and not experts_of_team(team=expert_team).filter(pk=assigned_expert.pk).exists():
        raise ValidationError({"assigned_expert": _("Deze persoon is geen expert van dit expertiseteam.")})
    if arrangement is not None and (
        arrangement.case_id != case.pk or arrangement.status != ArrangementStatus.REQUESTED
    ):
        raise ValidationError(_("Alleen een aangevraagde voorziening van dit dossier kan worden voorgelegd."))
    today = timezone.localdate()
    default = escalation_default_deadline(urgency=urgency, today=today)
    if deadline is None:
        deadline = default
    elif deadline < today or deadline > today + dt.timedelta(days=90):
        raise ValidationError({"deadline": _("Kies een reactiedatum tussen vandaag en drie maanden vanaf nu.")})
    if urgency == Urgency.SAFETY:
        deadline = today  # safety: the same day, whatever was typed
    escalation = Escalation(
        case=case,
        expert_team=expert_team,
        arrangement=arrangement,
        reason=reason,
        urgency=urgency,
        question=(question or "").strip(),
        deadline=deadline,
        assigned_expert=assigned_expert,
        requested_by=actor,
        submission=submission,
    )
    escalation.full_clean(exclude=["submission"])
    escalation.save()
    if assigned_expert is not None:
        expert_access.expert_access_grant(escalation=escalation, user=assigned_expert)
    audit_write(
        actor=actor,
        action="escalation_open",
        obj=escalation,
        case_uuid=case.uuid,
        changes={"reason": [None, reason], "urgency": [None, urgency], "deadline": [None, deadline]},
    )
    queue = reverse("arrangements:escalations")
    for expert in [assigned_expert] if assigned_expert else list(experts_of_team(team=expert_team)):
        notification_send(
            recipient=expert,
            text=_("Nieuwe vraag aan het expertiseteam over dossier %(number)s.") % {"number": case.number},
            link=queue,
        )
    return escalation


@transaction.atomic
def arrangement_request_and_escalate(
    *,
    actor: User,
    case: Case,
    item: CatalogueItem,
    member: HouseholdMember,
    provider: Organisation | None,
    volume: Any,
    start_date: dt.date,
    end_date: dt.date | None,
    delivery_form: str,
    expert_team: Team,
    question: str,
    urgency: str = Urgency.NORMAL,
    assigned_expert: User | None = None,
    contribution: str = "",
    submission: uuid_lib.UUID | None = None,
    goal_lineage: uuid_lib.UUID | None = None,
) -> Escalation:
    """One step beyond the mandate: the arrangement as *requested* plus its escalation.

    Nothing is committed yet (no schedule, no budget call): that happens when the expert
    team grants it with a decision.
    """
    _require_write(actor, case)
    if submission is not None and (done := Escalation.objects.filter(submission=submission, case=case).first()):
        return done
    estimate = arrangement_estimate(
        case=case,
        item=item,
        member=member,
        provider=provider,
        volume=volume,
        start_date=start_date,
        end_date=end_date,
        delivery_form=delivery_form,
    )
    arrangement = _new_arrangement(
        actor=actor,
        case=case,
        item=item,
        member=member,
        provider=provider,
        volume=volume,
        start_date=start_date,
        end_date=end_date,
        delivery_form=delivery_form,
        contribution=contribution,
        review_date=None,
        estimate=estimate,
        status=ArrangementStatus.REQUESTED,
        submission=None,
        goal_lineage=goal_lineage,
    )
    audit_write(
        actor=actor,
        action="arrangement_request",
        obj=arrangement,
        case_uuid=case.uuid,
        changes={"status": [None, arrangement.status], "item": [None, item.pk], "cost_total": [None, estimate.total]},
    )
    return escalation_open(
        actor=actor,
        case=case,
        expert_team=expert_team,
        reason=EscalationReason.BEYOND_MANDATE,
        urgency=urgency,
        question=question,
        arrangement=arrangement,
        assigned_expert=assigned_expert,
        submission=submission,
    )


def _locked(arrangement: Arrangement) -> Arrangement:
    return (
        Arrangement.objects.select_for_update(of=("self",)).select_related("case__team", "item").get(pk=arrangement.pk)
    )


def _check_version(arrangement: Arrangement, version: int | None) -> None:
    if version is not None and version != arrangement.version:
        raise ValidationError(
            _("Iemand anders heeft deze voorziening intussen gewijzigd. Bekijk de nieuwe gegevens."), code="stale"
        )


def _status_step(
    *, actor: User, arrangement: Arrangement, version: int | None, frm: str, to: str, action: str
) -> Arrangement:
    """One step along the statuses (row-locked, version-checked, audited)."""
    arrangement = _locked(arrangement)
    _require_write(actor, arrangement.case)
    _check_version(arrangement, version)
    if arrangement.status != frm:
        raise ValidationError(_("Dit kan niet in de huidige status van de voorziening."), code="status")
    arrangement.status = to
    arrangement.version += 1
    arrangement.save(update_fields=["status", "version", "updated_at"])
    audit_write(
        actor=actor,
        action=action,
        obj=arrangement,
        case_uuid=arrangement.case.uuid,
        changes={"status": [frm, to]},
    )
    return arrangement


@transaction.atomic
def arrangement_allocate(*, actor: User, arrangement: Arrangement, version: int | None = None) -> Arrangement:
    """Granted -> allocated to the provider (toewijzing, iWmo/iJw 301)."""
    arrangement = _status_step(
        actor=actor,
        arrangement=arrangement,
        version=version,
        frm=ArrangementStatus.GRANTED,
        to=ArrangementStatus.ALLOCATED,
        action="arrangement_allocate",
    )
    arrangement.allocated_at = timezone.now()
    arrangement.save(update_fields=["allocated_at"])
    return arrangement


@transaction.atomic
def arrangement_start(*, actor: User, arrangement: Arrangement, version: int | None = None) -> Arrangement:
    """Allocated -> started (the provider's start message, iWmo/iJw 305)."""
    return _status_step(
        actor=actor,
        arrangement=arrangement,
        version=version,
        frm=ArrangementStatus.ALLOCATED,
        to=ArrangementStatus.STARTED,
        action="arrangement_start",
    )


@transaction.atomic
def arrangement_change(
    *, actor: User, arrangement: Arrangement, volume: Any, end_date: dt.date | None, version: int | None = None
) -> Arrangement:
    """Change the volume or the end of a running arrangement, within the actor's mandate.

    The schedule is recomputed with the tariffs of each period and announced as a change.
    """
    arrangement = _locked(arrangement)
    case = arrangement.case
    _require_write(actor, case)
    _check_version(arrangement, version)
    if not arrangement.is_running:
        raise ValidationError(_("Alleen een lopende voorziening kan worden gewijzigd."), code="status")
    estimate = arrangement_estimate(
        case=case,
        item=arrangement.item,
        member=arrangement.member,
        provider=arrangement.provider,
        volume=volume,
        start_date=arrangement.start_date,
        end_date=end_date,
        delivery_form=arrangement.delivery_form,
    )
    reasons = mandate_reasons(
        actor=actor, case=case, item=arrangement.item, estimate=estimate, exclude_pk=arrangement.pk
    )
    if reasons and not _is_case_expert(actor, case):
        raise beyond_mandate(reasons)
    before = {"volume": arrangement.volume, "end_date": arrangement.end_date, "cost_total": arrangement.cost_total}
    arrangement.volume = _decimal(volume, "volume")
    arrangement.end_date = end_date
    arrangement.cost_total = estimate.total
    arrangement.version += 1
    arrangement.full_clean(exclude=["submission"])
    arrangement.save(update_fields=["volume", "end_date", "cost_total", "version", "updated_at"])
    _store_schedule(arrangement, estimate.months, kind="change", actor=actor)
    audit_write(
        actor=actor,
        action="arrangement_change",
        obj=arrangement,
        case_uuid=case.uuid,
        changes={k: [v, getattr(arrangement, k)] for k, v in before.items()},
    )
    return arrangement


@transaction.atomic
def arrangement_stop(
    *, actor: User, arrangement: Arrangement, stop_date: dt.date, reason: str, version: int | None = None
) -> Arrangement:
    """End a running arrangement on `stop_date` with a reason; the rest of the commitment is released."""
    arrangement = _locked(arrangement)
    case = arrangement.case
    _require_write(actor, case)
    _check_version(arrangement, version)
    if not arrangement.is_running:
        raise ValidationError(_("Alleen een lopende voorziening kan worden beëindigd."), code="status")
    return _stop(arrangement, stop_date=stop_date, reason=reason, actor=actor)


def _stop(
    arrangement: Arrangement,
    *,
    stop_date: dt.date,
    reason: str,
    actor: User | None,
    audit_extra: dict[str, Any] | None = None,
) -> Arrangement:
    """The stop itself on a locked, running arrangement (regisseur or provider)."""
    case = arrangement.case
    if reason not in StopReason.values:
        raise ValidationError({"reason": _("Kies een reden.")})
    if stop_date is None or stop_date < arrangement.start_date:
        raise ValidationError({"stop_date": _("De einddatum ligt voor de start van de voorziening.")})
    if arrangement.end_date and stop_date > arrangement.end_date:
        raise ValidationError({"stop_date": _("De einddatum ligt na het einde van de voorziening.")})
    months: tuple[MonthAmount, ...] = ()
    if not arrangement.item.is_general and arrangement.volume is not None:
        if arrangement.frequency == Frequency.WHOLE_PERIOD:
            months = tuple(MonthAmount(m.month, m.amount) for m in arrangement.months.all())
        else:
            months = cost.estimate(
                volume=arrangement.volume,
                frequency=arrangement.frequency,
                start=arrangement.start_date,
                end=stop_date,
                tariffs=list(arrangement.item.tariffs.all()),
            ).months
    previous = arrangement.status
    arrangement.status = ArrangementStatus.STOPPED
    arrangement.stop_reason = reason
    arrangement.stopped_on = stop_date
    arrangement.cost_total = sum((m.amount for m in months), Decimal("0.00"))
    arrangement.version += 1
    arrangement.save(update_fields=["status", "stop_reason", "stopped_on", "cost_total", "version", "updated_at"])
    _store_schedule(arrangement, months, kind="stop", actor=actor)
    audit_write(
        actor=actor,
        action="arrangement_stop",
        **(audit_extra or {}),
        obj=arrangement,
        case_uuid=case.uuid,
        changes={
            "status": [previous, arrangement.status],
            "stop_reason": [None, reason],
            "stopped_on": [None, stop_date],
        },
    )
    return arrangement


@transaction.atomic
def arrangement_mark_insufficient(*, actor: User, arrangement: Arrangement, note: str) -> Arrangement:
    """A colleague's or provider's signal: "volstaat niet meer" puts it on top of the review list."""
    arrangement = _locked(arrangement)
    if not case_permissions.can_read(actor, arrangement.case):
        raise PermissionDenied
    if not arrangement.is_running:
        raise ValidationError(_("Alleen een lopende voorziening kan worden gemarkeerd."), code="status")
    note = (note or "").strip()
    if len(note) < 5:
        raise ValidationError({"note": _("Licht kort toe waarom de voorziening niet meer volstaat.")})
    arrangement.insufficient = True
    arrangement.insufficient_note = note
    arrangement.insufficient_at = timezone.now()
    arrangement.review_due_since = arrangement.review_due_since or timezone.localdate()
    arrangement.full_clean(exclude=["submission"])
    arrangement.save(
        update_fields=["insufficient", "insufficient_note", "insufficient_at", "review_due_since", "updated_at"]
    )
    audit_write(
        actor=actor,
        action="arrangement_insufficient",
        obj=arrangement,
        case_uuid=arrangement.case.uuid,
        changes={"insufficient": [False, True], "note": [None, note]},
    )
    return arrangement


@transaction.atomic
def arrangement_review_done(*, actor: User, arrangement: Arrangement, next_review: dt.date) -> Arrangement:
    """The regisseur reviewed the arrangement: clear the signal, set the next review date."""
    arrangement = _locked(arrangement)
    _require_write(actor, arrangement.case)
    today = timezone.localdate()
    if next_review is None or next_review <= today or next_review > today + dt.timedelta(days=MAX_PERIOD_DAYS):
        raise ValidationError({"next_review": _("Kies een evaluatiedatum in de toekomst.")})
    arrangement.review_date = next_review
    arrangement.review_due_since = None
    arrangement.insufficient = False
    arrangement.insufficient_note = ""
    arrangement.save(
        update_fields=["review_date", "review_due_since", "insufficient", "insufficient_note", "updated_at"]
    )
    audit_write(
        actor=actor,
        action="arrangement_review",
        obj=arrangement,
        case_uuid=arrangement.case.uuid,
        changes={"review_date": [None, next_review]},
    )
    return arrangement


def reviews_mark_due(*, today: dt.date | None = None) -> int:
    """Put running arrangements whose review date has come on the regisseur's worklist, once.

    Idempotent: only rows without `review_due_since` are marked (a conditional UPDATE per
    batch), and the regisseur is notified once per marked arrangement.
    """
    today = today or timezone.localdate()
    marked = 0
    with transaction.atomic():
        due = list(
            Arrangement.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(review_due_since__isnull=True, review_date__lte=today, status__in=COMMITTED_STATUSES)
            .select_related("case")
            .order_by("pk")
        )
        for arrangement in due:
            arrangement.review_due_since = today
            arrangement.save(update_fields=["review_due_since"])
            notification_send(
                recipient=arrangement.case.regisseur,
                text=_("Evaluatie van een voorziening in dossier %(number)s.") % {"number": arrangement.case.number},
                link=reverse(
                    "arrangements:detail", kwargs={"uuid": arrangement.case.uuid, "arrangement": arrangement.uuid}
                ),
            )
            marked += 1
    return marked


def escalations_warn_overdue(*, today: dt.date | None = None) -> int:
    """Warn the expert team's leader(s) about each open escalation past its deadline, once a day.

    Idempotent through the unique (escalation, day) warning row: a second run the same day
    sends nothing. Returns the number of escalations warned about.
    """
    today = today or timezone.localdate()
    warned = 0
    overdue = list(
        Escalation.objects.exclude(status=EscalationStatus.CLOSED)
        .filter(deadline__lt=today)
        .exclude(warnings__day=today)
        .select_related("case", "expert_team")
        .order_by("pk")
    )
    for escalation in overdue:
        try:
            with transaction.atomic():
                EscalationWarning.objects.create(escalation=escalation, day=today)
                leaders = User.objects.filter(
                    memberships__team=escalation.expert_team, memberships__role=Role.TEAMLEIDER
                ).distinct()
                for leader in leaders:
                    notification_send(
                        recipient=leader,
                        text=_("Vraag over dossier %(number)s is over de reactiedatum.")
                        % {"number": escalation.case.number},
                        link=reverse("arrangements:escalations"),
                    )
        except IntegrityError:
            continue  # another run warned about it today
        warned += 1
    return warned


# --- the expert team --------------------------------------------------------------------


def _is_case_expert(user: User, case: Case) -> bool:
    return Escalation.objects.filter(case=case, assigned_expert=user, status=EscalationStatus.TAKEN_OVER).exists()


def _locked_escalation(escalation: Escalation) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("case__team", "expert_team", "arrangement__item")
        .get(pk=escalation.pk)
    )


def _require_assigned(actor: User, escalation: Escalation) -> None:
    """The actor is the assigned expert of an open escalation, with live access; else PermissionDenied."""
    if not escalation.is_open or escalation.assigned_expert_id != actor.pk:
        raise PermissionDenied
    if not case_permissions.can_read(actor, escalation.case):
        raise PermissionDenied


def is_expert_of(user: User, team_id: int) -> bool:
    return user.memberships.filter(team_id=team_id, role__in=[Role.EXPERT, Role.TEAMLEIDER]).exists()


@transaction.atomic
def escalation_assign(*, actor: User, escalation: Escalation, expert: User) -> Escalation:
    """An expert picks up an open question (or the team's leader assigns it); access follows."""
    escalation = _locked_escalation(escalation)
    if not escalation.is_open or not is_expert_of(actor, escalation.expert_team_id):
        raise PermissionDenied
    if (
        actor.pk != expert.pk
        and not actor.memberships.filter(team_id=escalation.expert_team_id, role=Role.TEAMLEIDER).exists()
    ):
        raise PermissionDenied
    if not experts_of_team(team=escalation.expert_team).filter(pk=expert.pk).exists():
        raise ValidationError(_("Deze persoon is geen expert van dit expertiseteam."))
    previous = escalation.assigned_expert_id
    if previous == expert.pk:
        return escalation
    if previous is not None:
        expert_access.expert_access_end_for(escalation=escalation, user_id=previous)
    escalation.assigned_expert = expert
    escalation.save(update_fields=["assigned_expert"])
    expert_access.expert_access_grant(
        escalation=escalation, user=expert, write=escalation.status == EscalationStatus.TAKEN_OVER
    )
    audit_write(
        actor=actor,
        action="escalation_assign",
        obj=escalation,
        case_uuid=escalation.case.uuid,
        changes={"assigned_expert": [previous, expert.pk]},
    )
    return escalation


def _close(escalation: Escalation, *, actor: User, outcome: str, advice: str = "") -> None:
    escalation.status = EscalationStatus.CLOSED
    escalation.outcome = outcome
    escalation.advice = advice
    escalation.closed_at = timezone.now()
    escalation.closed_by = actor
    escalation.full_clean(exclude=["submission"])
    escalation.save(update_fields=["status", "outcome", "advice", "closed_at", "closed_by"])
    expert_access.expert_access_end(escalation=escalation)
    audit_write(
        actor=actor,
        action="escalation_close",
        obj=escalation,
        case_uuid=escalation.case.uuid,
        changes={"status": [None, EscalationStatus.CLOSED], "outcome": [None, outcome]},
    )
    notification_send(
        recipient=escalation.requested_by,
        text=_("Het expertiseteam heeft gereageerd op uw vraag over dossier %(number)s.")
        % {"number": escalation.case.number},
        link=reverse("arrangements:case_escalations", kwargs={"uuid": escalation.case.uuid}),
    )


@transaction.atomic
def escalation_advise(*, actor: User, escalation: Escalation, advice: str) -> Escalation:
    """Answer with advice and close; the expert's access ends at once."""
    escalation = _locked_escalation(escalation)
    _require_assigned(actor, escalation)
    advice = (advice or "").strip()
    if len(advice) < 5:
        raise ValidationError({"advice": _("Schrijf het advies op.")})
    if escalation.arrangement is not None and escalation.arrangement.status == ArrangementStatus.REQUESTED:
        raise ValidationError(
            _("Bij deze vraag hoort een aangevraagde voorziening: neem daarover een besluit (toekennen of afwijzen)."),
            code="decision_needed",
        )
    _close(escalation, actor=actor, outcome=EscalationOutcome.ADVICE, advice=advice)
    return escalation


@transaction.atomic
def escalation_take_over(*, actor: User, escalation: Escalation) -> Escalation:
    """The expert team takes the case over: the assigned expert may now record on it."""
    escalation = _locked_escalation(escalation)
    _require_assigned(actor, escalation)
    if escalation.status == EscalationStatus.TAKEN_OVER:
        return escalation
    escalation.status = EscalationStatus.TAKEN_OVER
    escalation.save(update_fields=["status"])
    expert_access.expert_access_grant(escalation=escalation, user=actor, write=True)
    audit_write(
        actor=actor,
        action="escalation_take_over",
        obj=escalation,
        case_uuid=escalation.case.uuid,
        changes={"status": [EscalationStatus.OPEN, EscalationStatus.TAKEN_OVER]},
    )
    return escalation


@transaction.atomic
def escalation_hand_back(*, actor: User, escalation: Escalation, advice: str = "") -> Escalation:
    """Afschalen: hand the case back to the district team and close; access ends at once."""
    escalation = _locked_escalation(escalation)
    _require_assigned(actor, escalation)
    if escalation.arrangement is not None and escalation.arrangement.status == ArrangementStatus.REQUESTED:
        raise ValidationError(
            _("Bij deze vraag hoort een aangevraagde voorziening: neem daarover eerst een besluit."),
            code="decision_needed",
        )
    _close(escalation, actor=actor, outcome=EscalationOutcome.HANDED_BACK, advice=(advice or "").strip())
    return escalation


@transaction.atomic
def escalation_decide(
    *,
    actor: User,
    escalation: Escalation,
    granted: bool,
    legal_basis: str,
    motivation: str,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    volume: Any = None,
) -> Decision:
    """The expert team's formal decision (beschikking) on the escalated arrangement.

    Granted: the arrangement becomes granted with the decided period and volume, its
    schedule is committed (budget hook). Refused: the arrangement is refused. Either way
    the letter is rendered to PDF and stored with the case, the escalation closes and the
    expert's access ends.
    """
    escalation = _locked_escalation(escalation)
    _require_assigned(actor, escalation)
    arrangement = escalation.arrangement
    if arrangement is None or arrangement.status != ArrangementStatus.REQUESTED:
        raise ValidationError(_("Bij deze vraag hoort geen aangevraagde voorziening."), code="no_arrangement")
    arrangement = _locked(arrangement)
    case = escalation.case
    legal_basis = (legal_basis or "").strip()
    motivation = (motivation or "").strip()
    errors: dict[str, str] = {}
    if not legal_basis:
        errors["legal_basis"] = _("Vermeld de wettelijke grondslag (artikel).")
    if len(motivation) < 10:
        errors["motivation"] = _("Motiveer het besluit.")
    period_start = period_start or arrangement.start_date
    period_end = period_end or arrangement.end_date
    if period_end is not None and period_end < period_start:
        errors["period_end"] = _("De einddatum ligt voor de ingangsdatum.")
    if errors:
        raise ValidationError(errors)
    volume = arrangement.volume if volume in (None, "") else volume
    if granted:
        estimate = arrangement_estimate(
            case=case,
            item=arrangement.item,
            member=arrangement.member,
            provider=arrangement.provider,
            volume=volume,
            start_date=period_start,
            end_date=period_end,
            delivery_form=arrangement.delivery_form,
        )
        arrangement.volume = _decimal(volume, "volume")
        arrangement.start_date = period_start
        arrangement.end_date = period_end
        arrangement.cost_total = estimate.total
        arrangement.status = ArrangementStatus.GRANTED
        arrangement.granted_by = actor
        arrangement.granted_at = timezone.now()
        if arrangement.review_date is None:
            arrangement.review_date = min(period_end or period_start, period_start + dt.timedelta(days=90))
    else:
        arrangement.status = ArrangementStatus.REFUSED
        arrangement.cost_total = Decimal("0.00")
    arrangement.version += 1
    arrangement.full_clean(exclude=["submission"])
    arrangement.save()
    if granted:
        _store_schedule(arrangement, estimate.months, kind="grant", actor=actor)
    decision = Decision(
        case=case,
        escalation=escalation,
        arrangement=arrangement,
        granted=granted,
        legal_basis=legal_basis,
        period_start=period_start,
        period_end=period_end,
        product=_product_text(arrangement),
        volume_text=_volume_text(arrangement),
        motivation=motivation,
        decided_by=actor,
    )
    decision.pdf = render_pdf(
        template_name="arrangements/decision_pdf.html",
        context={"decision": decision, "case": case, "arrangement": arrangement, "member": arrangement.member},
    )
    decision.full_clean(exclude=["pdf"])
    decision.save()
    audit_write(
        actor=actor,
        action="decision_issue",
        obj=decision,
        case_uuid=case.uuid,
        changes={"granted": [None, granted], "legal_basis": [None, legal_basis], "arrangement": [None, arrangement.pk]},
    )
    _close(
        escalation,
        actor=actor,
        outcome=EscalationOutcome.GRANTED if granted else EscalationOutcome.REFUSED,
    )
    return decision


def _product_text(arrangement: Arrangement) -> str:
    item = arrangement.item
    code = f" ({item.product_code})" if item.product_code else ""
    return f"{item.name}{code}"


def _volume_text(arrangement: Arrangement) -> str:
    if arrangement.volume is None:
        return ""
    return f"{arrangement.volume.normalize():f} {arrangement.get_unit_display()} {arrangement.get_frequency_display()}"


# --- The provider's side (the partner API, issue 14): no user, an organisation ------------


def _locked_for_provider(arrangement: Arrangement, organisation: Organisation) -> Arrangement:
    locked = _locked(arrangement)
    if locked.provider_id != organisation.pk or locked.allocated_at is None:
        raise PermissionDenied
    return locked


@transaction.atomic
def arrangement_start_by_provider(
    *, organisation: Organisation, arrangement: Arrangement, start_date: dt.date, client: str = ""
) -> Arrangement:
    """Allocated -> started on the provider's start message (iWmo/iJw 305).

    SAP rules: the start date is not before the allocation's start (nor after its end) and
    not in the future. Audited without a user, with the organisation and OAuth client.
    """
    from audit.models import AccessGround

    arrangement = _locked_for_provider(arrangement, organisation)
    if arrangement.status != ArrangementStatus.ALLOCATED:
        raise ValidationError(_("Dit kan niet in de huidige status van de voorziening."), code="status")
    if start_date < arrangement.start_date:
        raise ValidationError({"start_date": _("De startdatum ligt voor de start van de toewijzing.")})
    if arrangement.end_date and start_date > arrangement.end_date:
        raise ValidationError({"start_date": _("De startdatum ligt na het einde van de toewijzing.")})
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": _("De startdatum ligt in de toekomst.")})
    arrangement.status = ArrangementStatus.STARTED
    arrangement.version += 1
    arrangement.save(update_fields=["status", "version", "updated_at"])
    audit_write(
        actor=None,
        action="arrangement_start",
        obj=arrangement,
        case_uuid=arrangement.case.uuid,
        changes={"status": [ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED], "start_date": [None, start_date]},
        ground=AccessGround.PARTNER_ALLOCATION,
        organisation=organisation,
        client=client,
    )
    return arrangement


@transaction.atomic
def arrangement_stop_by_provider(
    *, organisation: Organisation, arrangement: Arrangement, stop_date: dt.date, reason: str, client: str = ""
) -> Arrangement:
    """Started -> stopped on the provider's stop message (iWmo/iJw 307); the rest of the
    commitment is released as with a regisseur's stop. The stop date is not in the future
    and not after the allocation's end (nor before its start)."""
    from audit.models import AccessGround

    arrangement = _locked_for_provider(arrangement, organisation)
    if arrangement.status != ArrangementStatus.STARTED:
        raise ValidationError(_("Alleen gestarte zorg kan worden gestopt."), code="status")
    if stop_date > timezone.localdate():
        raise ValidationError({"stop_date": _("De stopdatum ligt in de toekomst.")})
    return _stop(
        arrangement,
        stop_date=stop_date,
        reason=reason,
        actor=None,
        audit_extra={"ground": AccessGround.PARTNER_ALLOCATION, "organisation": organisation, "client": client},
    )


# --- grants beyond the team's budget ceiling: the team leader's approval -------------------


class _DryRun(Exception):
    """Rolls back the savepoint of a trial booking."""


def _fits_ceiling(arrangement: Arrangement, months: tuple[MonthAmount, ...], *, actor: User) -> bool:
    """Whether the budget would accept this grant as it stands (a trial booking in a
    savepoint that is always rolled back). Other refusals (a closed year) propagate."""
    case = arrangement.case
    change = CommitmentChange(
        arrangement_id=arrangement.pk,
        municipality_id=case.team.municipality_id,
        team_id=case.team_id,
        household_id=case.household_id,
        provider_id=arrangement.provider_id,
        law=arrangement.item.law,
        taakveld=arrangement.item.taakveld,
        kind="grant",
        schedule=tuple(months),
        actor_id=actor.pk,
    )
    try:
        with transaction.atomic():
            commitment_changed(change)
            raise _DryRun
    except _DryRun:
        return True
    except ValidationError as exc:
        if is_over_ceiling(exc):
            return False
        raise


def team_leaders_of(*, team_id: int):  # type: ignore[no-untyped-def]
    return User.objects.filter(memberships__team_id=team_id, memberships__role=Role.TEAMLEIDER, is_active=True)


@transaction.atomic
def arrangement_request_ceiling_approval(
    *,
    actor: User,
    case: Case,
    item: CatalogueItem,
    member: HouseholdMember,
    motivation: str,
    provider: Organisation | None = None,
    volume: Any = None,
    start_date: dt.date,
    end_date: dt.date | None = None,
    delivery_form: str = "",
    contribution: str = "",
    review_date: dt.date | None = None,
    submission: uuid_lib.UUID | None = None,
    goal_lineage: uuid_lib.UUID | None = None,
) -> CeilingApproval:
    """A grant within the regisseur's mandate that the team's budget ceiling refuses: save
    the arrangement as *requested* and put it to the case team's leader(s) (worklist and a
    notification). Nothing is committed until the team leader approves.

    Raises ValidationError (Dutch) beyond the mandate (code "beyond_mandate": that is the
    expert team's), without a motivation, or when the grant fits under the ceiling after
    all (code "fits_ceiling": grant it directly). The same `submission` twice returns the
    first request.
    """
    _require_write(actor, case)
    if submission is not None:
        done = CeilingApproval.objects.filter(arrangement__submission=submission, case=case).first()
        if done is not None:
            return done
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError(
            {"ceiling_motivation": _("Licht toe waarom deze voorziening boven het budgetplafond nodig is.")}
        )
    arrangement, estimate = _new_within_mandate(
        actor=actor,
        case=case,
        item=item,
        member=member,
        provider=provider,
        volume=volume,
        start_date=start_date,
        end_date=end_date,
        delivery_form=delivery_form,
        contribution=contribution,
        review_date=review_date,
        status=ArrangementStatus.REQUESTED,
        submission=submission,
        goal_lineage=goal_lineage,
    )
    if _fits_ceiling(arrangement, estimate.months, actor=actor):
        raise ValidationError(
            _("Deze voorziening past onder het budgetplafond van het team: u kunt haar zelf toekennen."),
            code="fits_ceiling",
        )
    approval = CeilingApproval(case=case, arrangement=arrangement, motivation=motivation, requested_by=actor)
    approval.full_clean()
    approval.save()
    audit_write(
        actor=actor,
        action="ceiling_approval_request",
        obj=approval,
        case_uuid=case.uuid,
        changes={"arrangement": [None, arrangement.pk], "cost_total": [None, estimate.total]},
    )
    link = reverse("arrangements:ceiling_approval", kwargs={"uuid": case.uuid, "approval": approval.uuid})
    for leader in team_leaders_of(team_id=case.team_id).exclude(pk=actor.pk):
        notification_send(
            recipient=leader,
            text=_("Dossier %(number)s: goedkeuring gevraagd boven het budgetplafond.") % {"number": case.number},
            link=link,
        )
    return approval


def _locked_approval(approval: CeilingApproval) -> CeilingApproval:
    return (
        CeilingApproval.objects.select_for_update(of=("self",))
        .select_related("case__team", "requested_by")
        .get(pk=approval.pk)
    )


@transaction.atomic
def ceiling_approval_decide(*, actor: User, approval: CeilingApproval, approve: bool, reason: str) -> CeilingApproval:
    """The team leader approves or rejects a grant beyond the team's budget ceiling.

    Row locks: the approval, then the arrangement, then (in the budget) the team's ceilings
    and rollup cells — the same order as every other grant, so concurrent decisions
    serialise and only the first one counts. Approval grants the arrangement and books its
    commitment despite the ceiling (the budget verifies that `actor` leads the case's team);
    rejection refuses it. Both need a reason and are audited; the regisseur is notified.

    Raises PermissionDenied for anyone but a team leader of the case's team, and
    ValidationError (Dutch) when the request was decided already (code "stale"), for the
    requester themselves (four-eyes), without a reason, or when the grant is now beyond
    the regisseur's mandate.
    """
    approval = _locked_approval(approval)
    case = approval.case
    if not case_permissions.is_teamleider_of(actor, case):
        raise PermissionDenied
    if not approval.is_pending:
        raise ValidationError(_("Over deze aanvraag is al besloten."), code="stale")
    if approval.requested_by_id == actor.pk:
        raise ValidationError(
            _("Een aanvraag boven het budgetplafond wordt beoordeeld door een ander dan de aanvrager (vier ogen)."),
            code="four_eyes",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden voor uw besluit.")})
    arrangement = _locked(approval.arrangement)
    if arrangement.status != ArrangementStatus.REQUESTED:
        raise ValidationError(_("Over deze aanvraag is al besloten."), code="stale")
    before = arrangement.status
    if approve:
        estimate = arrangement_estimate(
            case=case,
            item=arrangement.item,
            member=arrangement.member,
            provider=arrangement.provider,
            volume=arrangement.volume,
            start_date=arrangement.start_date,
            end_date=arrangement.end_date,
            delivery_form=arrangement.delivery_form,
        )
        # The grant rests on the regisseur's mandate; the team leader approves the ceiling only.
        reasons = mandate_reasons(actor=approval.requested_by, case=case, item=arrangement.item, estimate=estimate)
        if reasons:
            raise ValidationError(reasons, code="beyond_mandate")
        arrangement.status = ArrangementStatus.GRANTED
        arrangement.cost_total = estimate.total
        arrangement.granted_by_id = approval.requested_by_id
        arrangement.granted_at = timezone.now()
    else:
        arrangement.status = ArrangementStatus.REFUSED
        arrangement.cost_total = Decimal("0.00")
    arrangement.version += 1
    arrangement.full_clean(exclude=["submission"])
    arrangement.save()
    if approve:
        _store_schedule(arrangement, estimate.months, kind="grant", actor=actor, ceiling_approved_by=actor.pk)
    approval.status = CeilingApprovalStatus.APPROVED if approve else CeilingApprovalStatus.REJECTED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.reason = reason
    approval.full_clean()
    approval.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_write(
        actor=actor,
        action="ceiling_approval_decide",
        obj=approval,
        case_uuid=case.uuid,
        changes={
            "status": [CeilingApprovalStatus.PENDING, approval.status],
            "arrangement": [before, arrangement.status],
        },
    )
    notification_send(
        recipient=approval.requested_by,
        text=(
            _("Dossier %(number)s: de teamleider heeft de voorziening boven het budgetplafond goedgekeurd.")
            if approve
            else _("Dossier %(number)s: de teamleider heeft de voorziening boven het budgetplafond afgewezen.")
        )
        % {"number": case.number},
        link=reverse("arrangements:detail", kwargs={"uuid": case.uuid, "arrangement": arrangement.uuid}),
    )
    return approval
