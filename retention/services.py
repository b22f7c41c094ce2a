"""Retention: dry runs, approval, the resumable deletion, legal holds (docs/retention.md).

Writes are keyword-only, atomic and audited. The deletion never copies content into the
log: each batch writes one entry per record type with the count and the run (the approval).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality, Notification, User
from accounts.permissions import admin_municipality_ids
from arrangements import totals as commitment_totals
from arrangements.models import Arrangement, CeilingApproval, Decision, Escalation
from audit.models import AccessGround
from budget.models import HouseholdContribution
from cases import permissions as case_permissions
from cases.constants import CaseStatus
from cases.models import Case, Household, Person
from intake.constants import SignalStatus, TriageRoute
from intake.models import Gesprek, MeldcodeStep, Signal
from partners.declaration_models import AllocationRequest, DeclarationLine, ProgressReport
from partners.models import ProviderMessage
from plan.models import Evaluation, Plan
from socialdomain.audit import audit_write

from . import rules
from .constants import CASE_TYPES, DEFAULT_YEARS, ItemState, RecordType, RunStatus
from .models import ClosedCaseAggregate, LegalHold, RetentionItem, RetentionPolicy, RetentionRun

CANDIDATE_CHUNK = 1000
PURPOSE = "bewaartermijn"


# --- periods ------------------------------------------------------------------------------


def retention_periods(*, municipality_id: int) -> dict[str, int]:
    """The municipality's period per record type: its own setting, else the documented default."""
    periods = dict(DEFAULT_YEARS)
    periods.update(RetentionPolicy.objects.filter(municipality_id=municipality_id).values_list("record_type", "years"))
    return periods


def policy_save(*, actor: User, policy: RetentionPolicy) -> RetentionPolicy:
    """Create or change a municipality's period (admin); refuses one below the legal floor."""
    with transaction.atomic():
        before = (
            RetentionPolicy.objects.filter(pk=policy.pk).values_list("years", flat=True).first() if policy.pk else None
        )
        policy.full_clean()
        policy.save()
        audit_write(
            actor=actor,
            action="retention_policy_change",
            obj=policy,
            changes={"record_type": policy.record_type, "years": [before, policy.years]},
            ground=AccessGround.ADMINISTRATION,
        )
    return policy


# --- selection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    items: list[tuple[str, int]]  # (record type, id)
    held: int


def _expired_cases(*, municipality_id: int, as_of: dt.date, periods: dict[str, int]) -> Selection:
    shortest = min(periods[t] for t in CASE_TYPES)
    candidates = (
        Case.objects.filter(
            team__municipality_id=municipality_id,
            status=CaseStatus.CLOSED,
            closed_on__lte=rules.add_years(as_of, -shortest),
        )
        .order_by("id")
        .values_list("id", "household_id", "opened_on", "closed_on", "line")
    )
    items: list[tuple[str, int]] = []
    held = 0
    last_id = 0
    while True:
        chunk = [rules.CaseFacts(*row) for row in candidates.filter(id__gt=last_id)[:CANDIDATE_CHUNK]]
        if not chunk:
            break
        last_id = chunk[-1].id
        types = rules.case_types(chunk)
        on_hold = set(
            LegalHold.objects.filter(case_id__in=[f.id for f in chunk], lifted_at__isnull=True).values_list(
                "case_id", flat=True
            )
        )
        for facts in chunk:
            record_type, years = rules.strictest(types[facts.id], periods)
            if not rules.has_expired(start=facts.closed_on, years=years, as_of=as_of):
                continue
            if facts.id in on_hold:
                held += 1
                continue
            items.append((record_type, facts.id))
    return Selection(items=items, held=held)


def _advice_signal_day(updated_at: dt.datetime) -> dt.date:
    return timezone.localdate(updated_at)


def _expired_advice_signals(*, municipality_id: int, as_of: dt.date, years: int) -> list[tuple[str, int]]:
    """Signals closed with advice (first line, never linked to a case), counted from the
    triage that closed them (their last change)."""
    candidates = Signal.objects.filter(
        team__municipality_id=municipality_id,
        case__isnull=True,
        route=TriageRoute.ADVICE,
        status=SignalStatus.DONE,
        updated_at__date__lte=rules.add_years(as_of, -years),
    ).values_list("id", "updated_at")
    return [
        (RecordType.SIGNAL_ADVICE, pk)
        for pk, updated_at in candidates.iterator(chunk_size=CANDIDATE_CHUNK)
        if rules.has_expired(start=_advice_signal_day(updated_at), years=years, as_of=as_of)
    ]


def run_create_dry_run(*, municipality: Municipality, as_of: dt.date | None = None) -> RetentionRun | None:
    """The dry-run list of what is past its period (counts per type, ids in its items).

    Idempotent: while the municipality has a run in progress (waiting for approval,
    approved or running) that run is returned and nothing new is listed. Without anything
    to remove no run is made (None).
    """
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        # Serialise the nightly task with itself (a second worker waits, then finds the run).
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        existing = RetentionRun.objects.filter(
            municipality=municipality, status__in=[RunStatus.DRY_RUN, RunStatus.APPROVED, RunStatus.RUNNING]
        ).first()
        if existing is not None:
            return existing
        periods = retention_periods(municipality_id=municipality.pk)
        cases = _expired_cases(municipality_id=municipality.pk, as_of=as_of, periods=periods)
        signals = _expired_advice_signals(
            municipality_id=municipality.pk, as_of=as_of, years=periods[RecordType.SIGNAL_ADVICE]
        )
        items = cases.items + signals
        if not items:
            return None
        counts = Counter(t for t, _pk in items)
        run = RetentionRun.objects.create(
            municipality=municipality,
            as_of=as_of,
            periods=periods,
            counts={t: counts.get(t, 0) for t in (*CASE_TYPES, RecordType.SIGNAL_ADVICE)},
            held=cases.held,
        )
        RetentionItem.objects.bulk_create(
            [RetentionItem(run=run, record_type=t, object_id=pk) for t, pk in items], batch_size=1000
        )
        audit_write(
            actor=None,
            action="retention_run_create",
            obj=run,
            changes={**run.counts, "held": run.held},
            purpose=PURPOSE,
            ground=AccessGround.RETENTION,
        )
    return run


# --- approval -----------------------------------------------------------------------------


def may_manage_runs(*, user: User, municipality_id: int) -> bool:
    """Municipality staff (functioneel beheerder) of that municipality, or a superuser."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return admin_municipality_ids(user=user).filter(pk=municipality_id).exists()


def run_approve(*, actor: User, run: RetentionRun) -> RetentionRun:
    """Approve a dry run (municipality staff of its municipality); the deletion starts on commit."""
    from . import tasks

    if not may_manage_runs(user=actor, municipality_id=run.municipality_id):
        raise PermissionDenied
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DRY_RUN:
            raise ValidationError(_("Deze run is al beoordeeld."), code="decided")
        run.status = RunStatus.APPROVED
        run.approved_by = actor
        run.approved_at = timezone.now()
        run.save(update_fields=["status", "approved_by", "approved_at"])
        audit_write(
            actor=actor,
            action="retention_run_approve",
            obj=run,
            changes={**run.counts},
            purpose=PURPOSE,
            ground=AccessGround.RETENTION,
        )
        tasks.execute_retention_run.delay_on_commit(run.pk)
    return run


def run_reject(*, actor: User, run: RetentionRun) -> RetentionRun:
    """Reject a dry run: nothing is removed; the next night makes a new list."""
    if not may_manage_runs(user=actor, municipality_id=run.municipality_id):
        raise PermissionDenied
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DRY_RUN:
            raise ValidationError(_("Deze run is al beoordeeld."), code="decided")
        run.status = RunStatus.REJECTED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        run.items.all().delete()
        audit_write(actor=actor, action="retention_run_reject", obj=run, purpose=PURPOSE, ground=AccessGround.RETENTION)
    return run


# --- execution ----------------------------------------------------------------------------


@dataclass
class Removed:
    households: int = 0
    persons: int = 0
    arrangements: int = 0


def _allow_frozen_plan_delete() -> None:
    """Agreed plan versions are guarded by a trigger (plan migration 0002); retention's
    migration 0002 lets it pass DELETE (and the SET NULL updates of a cascade) only where
    this transaction set `sd.retention_purge`. SET LOCAL ends with the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL sd.retention_purge = 'on'")


def _remove_orphan_persons(person_ids: set[int]) -> int:
    """Persons of a removed record who are in no household and on no signal any more."""
    if not person_ids:
        return 0
    orphans = Person.objects.filter(pk__in=person_ids, memberships__isnull=True, signals__isnull=True)
    _total, by_model = orphans.delete()
    return by_model.get("cases.Person", 0)


def _count_aggregate(*, case: Case, law: str, arrangements: int) -> None:
    assert case.closed_on is not None  # only closed cases are removed
    cell, _created = ClosedCaseAggregate.objects.get_or_create(
        municipality_id=case.team.municipality_id, year=case.closed_on.year, law=law, line=case.line
    )
    ClosedCaseAggregate.objects.filter(pk=cell.pk).update(
        cases=F("cases") + 1, arrangements=F("arrangements") + arrangements
    )


# What hangs on a case's arrangements besides decisions and escalations, deleted with them:
# the team leader's ceiling approvals and the partner API's messages, requests, progress
# reports and declaration lines (credits before the lines they reverse). The ledger keeps
# the declared amounts by source id only. tests/retention/test_delete_order.py fails for a
# model with a PROTECT key to an arrangement or a case that is not deleted here or below.
ARRANGEMENT_RECORDS = (CeilingApproval, ProviderMessage, AllocationRequest, ProgressReport)


def _delete_arrangement_records(case: Case) -> None:
    # The commitment months go with their arrangements (CASCADE); their totals first.
    commitment_totals.release(Arrangement.objects.filter(case=case))
    for model in ARRANGEMENT_RECORDS:
        model._default_manager.filter(arrangement__case=case).delete()
    lines = DeclarationLine.objects.filter(arrangement__case=case)
    lines.filter(credit_of__isnull=False).delete()
    lines.delete()


def _purge_case(*, run: RetentionRun, case_id: int, removed: Removed) -> bool:
    """Delete one expired case and its content; False (skipped) when it is under a legal
    hold, was reopened or is no longer past its period."""
    case = Case.objects.select_for_update().select_related("team").filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.CLOSED or case.closed_on is None:
        return False
    if case.team.municipality_id != run.municipality_id:
        return False
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        return False
    facts = rules.CaseFacts(case.pk, case.household_id, case.opened_on, case.closed_on, case.line)
    law, years = rules.strictest(rules.case_types([facts])[case.pk], run.periods)
    if not rules.has_expired(start=case.closed_on, years=years, as_of=run.as_of):
        return False

    arrangements = Arrangement.objects.filter(case=case)
    _count_aggregate(case=case, law=law, arrangements=arrangements.count())
    # Children first, in the order their PROTECT foreign keys require.
    _delete_arrangement_records(case)
    Decision.objects.filter(case=case).delete()
    Escalation.objects.filter(case=case).delete()
    removed.arrangements += arrangements.count()
    arrangements.delete()
    Evaluation.objects.filter(plan__case=case).delete()
    for plan in Plan.objects.filter(case=case).order_by("-number"):  # a successor before its predecessor
        plan.delete()
    signals = Signal.objects.filter(case=case)
    person_ids = set(signals.values_list("persons", flat=True)) - {None}
    MeldcodeStep.objects.filter(case=case).delete()
    signals.delete()
    Gesprek.objects.filter(case=case).delete()
    LegalHold.objects.filter(case=case).delete()  # lifted ones only (active ones skipped above)
    Notification.objects.filter(link__contains=str(case.uuid)).delete()
    household_id = case.household_id
    case.delete()

    household = Household.objects.filter(pk=household_id).first()
    if household is not None and not Case.objects.filter(household_id=household_id).exists():
        person_ids |= set(household.members.values_list("person_id", flat=True))
        HouseholdContribution.objects.filter(household=household).delete()
        household.delete()
        removed.households += 1
    removed.persons += _remove_orphan_persons(person_ids)
    return True


def _purge_advice_signal(*, run: RetentionRun, signal_id: int, removed: Removed) -> bool:
    signal = Signal.objects.select_for_update().select_related("team").filter(pk=signal_id).first()
    if signal is None or signal.case_id is not None or signal.route != TriageRoute.ADVICE:
        return False
    if signal.team.municipality_id != run.municipality_id:
        return False
    years = run.periods[RecordType.SIGNAL_ADVICE]
    if not rules.has_expired(start=_advice_signal_day(signal.updated_at), years=years, as_of=run.as_of):
        return False
    person_ids = set(signal.persons.values_list("pk", flat=True))
    signal.delete()
    removed.persons += _remove_orphan_persons(person_ids)
    return True


def _batch(run_id: int) -> bool:
    """One batch in its own transaction; True when the run is finished."""
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (RunStatus.APPROVED, RunStatus.RUNNING):
            return True
        if run.status == RunStatus.APPROVED:
            run.status = RunStatus.RUNNING
            run.started_at = timezone.now()
        _allow_frozen_plan_delete()
        items = list(run.items.filter(state=ItemState.PENDING).order_by("id")[: settings.RETENTION_BATCH_SIZE])
        if not items:
            run.status = RunStatus.DONE
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "started_at", "finished_at"])
            audit_write(
                actor=run.approved_by,
                action="retention_run_done",
                obj=run,
                changes={
                    **run.removed,
                    "skipped": run.skipped,
                    "households": run.households_removed,
                    "persons": run.persons_removed,
                    "approval": str(run.uuid),
                },
                purpose=PURPOSE,
                ground=AccessGround.RETENTION,
            )
            return True
        removed = Removed()
        done: Counter[str] = Counter()
        skipped = 0
        for item in items:
            if item.record_type == RecordType.SIGNAL_ADVICE:
                ok = _purge_advice_signal(run=run, signal_id=item.object_id, removed=removed)
            else:
                ok = _purge_case(run=run, case_id=item.object_id, removed=removed)
            item.state = ItemState.DONE if ok else ItemState.SKIPPED
            if ok:
                done[item.record_type] += 1
            else:
                skipped += 1
        RetentionItem.objects.bulk_update(items, ["state"])
        for record_type, count in done.items():
            run.removed[record_type] = run.removed.get(record_type, 0) + count
            audit_write(
                actor=run.approved_by,
                action="retention_delete",
                obj=run,
                changes={"record_type": record_type, "count": count, "approval": str(run.uuid)},
                purpose=PURPOSE,
                ground=AccessGround.RETENTION,
            )
        if removed.households or removed.persons:
            audit_write(
                actor=run.approved_by,
                action="retention_delete",
                obj=run,
                changes={
                    "record_type": "household_person",
                    "households": removed.households,
                    "persons": removed.persons,
                    "approval": str(run.uuid),
                },
                purpose=PURPOSE,
                ground=AccessGround.RETENTION,
            )
        run.skipped += skipped
        run.households_removed += removed.households
        run.persons_removed += removed.persons
        run.save(update_fields=["status", "started_at", "removed", "skipped", "households_removed", "persons_removed"])
    return False


def run_execute(*, run_id: int) -> RetentionRun:
    """Remove what an approved run listed, batch by batch (each its own transaction, the
    progress on the items and the run). Safe to run twice and to restart after a crash: a
    finished batch is never redone, an interrupted one rolled back and done again."""
    while not _batch(run_id):
        pass
    return RetentionRun.objects.get(pk=run_id)


def runs_to_resume() -> list[int]:
    """Approved or running runs (e.g. after a worker died): the nightly task restarts them."""
    return list(
        RetentionRun.objects.filter(status__in=[RunStatus.APPROVED, RunStatus.RUNNING]).values_list("pk", flat=True)
    )


def run_progress(run: RetentionRun) -> dict[str, Any]:
    """Counts of the run's items per state (one query)."""
    rows = run.items.values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


# --- legal hold ---------------------------------------------------------------------------


def may_manage_hold(user: User, case: Case) -> bool:
    """The regisseur (or a colleague with record rights) and the team leader, open or closed
    case: a hold matters most after closing, when the case is read-only."""
    return case_permissions.has_write_access(user, case) or case_permissions.is_teamleider_of(user, case)


def _may_hold(*, actor: User, case: Case) -> bool:
    return may_manage_hold(actor, case) or may_manage_runs(user=actor, municipality_id=case.team.municipality_id)


def legal_hold_place(*, actor: User, case: Case, reason: str) -> LegalHold:
    """Place a bewaarplicht: no retention run touches the case while it is not lifted.
    A second hold for the same reason is refused (a Dutch ValidationError)."""
    if not _may_hold(actor=actor, case=case):
        raise PermissionDenied
    with transaction.atomic():
        # Against a run deleting the case right now: wait for its batch, then see if it is gone.
        if Case.objects.select_for_update().filter(pk=case.pk).first() is None:
            raise ValidationError(_("Dit dossier is volgens de bewaartermijn verwijderd."), code="gone")
        if LegalHold.objects.filter(case=case, reason=reason, lifted_at__isnull=True).exists():
            raise ValidationError({"reason": _("Er geldt al een bewaarplicht om deze reden.")}, code="duplicate")
        hold = LegalHold(case=case, reason=reason, placed_by=actor)
        hold.full_clean()
        hold.save()
        audit_write(
            actor=actor,
            action="legal_hold_place",
            obj=hold,
            case_uuid=case.uuid,
            changes={"reason": reason},
            purpose=PURPOSE,
            ground=AccessGround.RETENTION,
        )
    return hold


def legal_hold_lift(*, actor: User, hold: LegalHold) -> LegalHold:
    """Lift a bewaarplicht; lifting one already lifted changes nothing."""
    case = hold.case
    if not _may_hold(actor=actor, case=case):
        raise PermissionDenied
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            return hold
        hold.lifted_at = timezone.now()
        hold.lifted_by = actor
        hold.save(update_fields=["lifted_at", "lifted_by"])
        audit_write(
            actor=actor,
            action="legal_hold_lift",
            obj=hold,
            case_uuid=case.uuid,
            changes={"reason": hold.reason},
            purpose=PURPOSE,
            ground=AccessGround.RETENTION,
        )
    return hold
