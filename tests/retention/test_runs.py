"""The dry run lists, and the approved run removes, exactly the records past their period
(built one day on either side of each boundary); legal holds stop it; a second run changes
nothing; a run broken off in the middle of a batch continues correctly (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import DatabaseError, connection

from arrangements.constants import Law
from arrangements.models import Arrangement, CommitmentTotal, Decision, Escalation
from audit.models import AuditEvent
from cases.models import Case, CaseNote, Consent, Household, HouseholdMember, Person
from intake.models import Gesprek, MeldcodeStep, Signal
from plan.models import Plan
from retention import services
from retention.constants import ItemState, RecordType, RunStatus
from retention.models import ClosedCaseAggregate, LegalHold, RetentionPolicy, RetentionRun
from tests.accounts.factories import UserFactory
from tests.retention.factories import advice_signal, closed_case, full_case, place_create, years_ago

pytestmark = pytest.mark.django_db


def _staff(municipality):  # type: ignore[no-untyped-def]
    from accounts.constants import Role
    from tests.accounts.factories import MembershipFactory, TeamFactory

    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, team=TeamFactory(municipality=municipality), role=Role.STAFF)
    return user


def _approve_and_run(run: RetentionRun, staff, django_capture_on_commit_callbacks) -> RetentionRun:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.run_approve(actor=staff, run=run)
    assert len(callbacks) == 1  # the deletion task is enqueued once, after commit
    return services.run_execute(run_id=run.pk)


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for app in ("cases", "intake", "plan", "arrangements", "budget", "retention", "audit")
        for m in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def boundary(db):  # type: ignore[no-untyped-def]
    """One municipality with records on both sides of every boundary, and a second one."""
    place = place_create()
    kept = {
        "jeugd_last_day": closed_case(place, closed_on=years_ago(20), laws=(Law.JEUGDWET,)),
        "wmo_last_day": closed_case(place, closed_on=years_ago(15), laws=(Law.WMO,)),
        "pw_last_day": closed_case(place, closed_on=years_ago(15), laws=(Law.PARTICIPATIEWET,)),
        "none_last_day": closed_case(place, closed_on=years_ago(15)),
        # Strictest wins: a Wmo case with one Jeugdwet arrangement keeps 20 years.
        "mixed": closed_case(place, closed_on=years_ago(16), laws=(Law.WMO, Law.JEUGDWET)),
        # A member younger than 18 when the case opened makes it a Jeugdwet case.
        "minor": closed_case(place, closed_on=years_ago(16), birth_date=years_ago(26)),
        "held": closed_case(place, closed_on=years_ago(16), laws=(Law.WMO,)),
    }
    removed = {
        "jeugd_day_after": closed_case(place, closed_on=years_ago(20, days=1), laws=(Law.JEUGDWET,)),
        "wmo_day_after": closed_case(place, closed_on=years_ago(15, days=1), laws=(Law.WMO,)),
        "pw_day_after": closed_case(place, closed_on=years_ago(15, days=1), laws=(Law.PARTICIPATIEWET,)),
        "none_day_after": closed_case(place, closed_on=years_ago(15, days=1)),
        "minor_after_20": closed_case(place, closed_on=years_ago(20, days=1), birth_date=years_ago(30)),
    }
    LegalHold.objects.create(case=kept["held"], reason="court", placed_by=place.regisseur)
    signals = {
        "kept": advice_signal(place, closed_on=years_ago(1)),
        "removed": advice_signal(place, closed_on=years_ago(1, days=1), last_name="Hofstede"),
    }
    other = place_create()
    foreign = closed_case(other, closed_on=years_ago(30), laws=(Law.WMO,))
    return place, kept, removed, signals, other, foreign


def test_the_dry_run_lists_exactly_the_records_past_their_period_counts_only(boundary):
    place, _kept, removed, signals, _other, foreign = boundary

    run = services.run_create_dry_run(municipality=place.municipality)

    assert run is not None and run.status == RunStatus.DRY_RUN
    assert run.counts == {
        RecordType.CASE_JEUGD: 2,
        RecordType.CASE_WMO: 2,
        RecordType.CASE_PARTICIPATIE: 1,
        RecordType.SIGNAL_ADVICE: 1,
    }
    assert run.held == 1
    listed = set(run.items.values_list("record_type", "object_id"))
    assert {pk for _t, pk in listed if _t != RecordType.SIGNAL_ADVICE} == {c.pk for c in removed.values()}
    assert (RecordType.SIGNAL_ADVICE, signals["removed"].pk) in listed
    assert foreign.pk not in {pk for _t, pk in listed}
    # A dry run removes nothing.
    assert Case.objects.filter(pk__in=[c.pk for c in removed.values()]).count() == len(removed)
    # The log says what was counted, never who.
    entry = AuditEvent.objects.get(action="retention_run_create")
    assert set(entry.changes) == {*run.counts, "held"}


def test_the_approved_run_removes_exactly_those_and_anonymises_the_counts(boundary, django_capture_on_commit_callbacks):
    place, kept, removed, signals, _other, foreign = boundary
    removed_households = [c.household_id for c in removed.values()]
    removed_persons = list(
        HouseholdMember.objects.filter(household_id__in=removed_households).values_list("person_id", flat=True)
    )
    signal_person = signals["removed"].persons.get().pk
    run = services.run_create_dry_run(municipality=place.municipality)
    staff = _staff(place.municipality)

    run = _approve_and_run(run, staff, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE and run.approved_by == staff
    assert not Case.objects.filter(pk__in=[c.pk for c in removed.values()]).exists()
    assert not Household.objects.filter(pk__in=removed_households).exists()
    assert not Person.objects.filter(pk__in=[*removed_persons, signal_person]).exists()
    assert not Arrangement.objects.filter(case_id__in=[c.pk for c in removed.values()]).exists()
    assert not Signal.objects.filter(pk=signals["removed"].pk).exists()
    # Everything else is untouched: the last days, the strictest law, the minor, the hold,
    # the other signal and the other municipality.
    assert Case.objects.filter(pk__in=[c.pk for c in kept.values()]).count() == len(kept)
    assert Signal.objects.filter(pk=signals["kept"].pk).exists()
    assert Case.objects.filter(pk=foreign.pk).exists()
    assert run.removed == {"case_jeugd": 2, "case_wmo": 2, "case_participatie": 1, "signal_advice": 1}
    assert run.households_removed == 5 and run.persons_removed == 7  # 5 parents, a child, the signal's person
    # Counts for reports survive as anonymous totals per municipality, year, law and line.
    cells = {
        (c.year, c.law): (c.cases, c.arrangements)
        for c in ClosedCaseAggregate.objects.filter(municipality=place.municipality)
    }
    jeugd_year = years_ago(20, days=1).year
    assert cells[(jeugd_year, RecordType.CASE_JEUGD)] == (2, 1)
    assert sum(cases for cases, _a in cells.values()) == 5
    # Every deletion is in the log: type, count and approval; no names, no content.
    deletes = AuditEvent.objects.filter(action="retention_delete")
    per_type = {e.changes["record_type"]: int(e.changes["count"]) for e in deletes if "count" in e.changes}
    assert per_type == run.removed
    assert all(e.changes["approval"] == str(run.uuid) and e.actor == staff for e in deletes)
    assert AuditEvent.objects.filter(action="retention_run_done").count() == 1


def test_a_second_run_changes_nothing(boundary, django_capture_on_commit_callbacks):
    place, *_rest = boundary
    run = services.run_create_dry_run(municipality=place.municipality)
    _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)
    before = _row_counts()

    assert services.run_create_dry_run(municipality=place.municipality) is None  # nothing past its period
    services.run_execute(run_id=run.pk)  # the finished run again

    assert _row_counts() == before


def test_a_dry_run_in_progress_is_not_made_twice(boundary):
    place, *_rest = boundary
    first = services.run_create_dry_run(municipality=place.municipality)
    assert services.run_create_dry_run(municipality=place.municipality) == first
    assert RetentionRun.objects.filter(municipality=place.municipality).count() == 1


def test_a_hold_placed_after_the_dry_run_still_stops_the_deletion(boundary, django_capture_on_commit_callbacks):
    place, _kept, removed, *_rest = boundary
    run = services.run_create_dry_run(municipality=place.municipality)
    late = removed["wmo_day_after"]
    services.legal_hold_place(actor=place.regisseur, case=late, reason="objection")

    run = _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)

    assert Case.objects.filter(pk=late.pk).exists()
    assert run.skipped == 1 and run.removed["case_wmo"] == 1
    assert run.items.get(object_id=late.pk, record_type=RecordType.CASE_WMO).state == ItemState.SKIPPED


def test_a_lifted_hold_lets_the_next_run_remove_the_case(boundary, django_capture_on_commit_callbacks):
    place, kept, *_rest = boundary
    hold = LegalHold.objects.get(case=kept["held"])
    run = services.run_create_dry_run(municipality=place.municipality)
    _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)
    services.legal_hold_lift(actor=place.teamleider, hold=hold)

    run = services.run_create_dry_run(municipality=place.municipality)

    assert run is not None and run.counts[RecordType.CASE_WMO] == 1 and run.held == 0
    _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)
    assert not Case.objects.filter(pk=kept["held"].pk).exists()
    assert not LegalHold.objects.filter(pk=hold.pk).exists()


def test_a_municipality_sets_its_own_period_but_not_below_the_law(boundary):
    place, _kept, *_rest = boundary
    staff = _staff(place.municipality)
    services.policy_save(
        actor=staff, policy=RetentionPolicy(municipality=place.municipality, record_type=RecordType.CASE_WMO, years=16)
    )
    run = services.run_create_dry_run(municipality=place.municipality)
    assert run is not None and run.counts[RecordType.CASE_WMO] == 0  # 15 years and a day: kept now
    assert run.periods[RecordType.CASE_WMO] == 16
    assert AuditEvent.objects.filter(action="retention_policy_change", actor=staff).exists()

    with pytest.raises(services.ValidationError) as exc:
        services.policy_save(
            actor=staff,
            policy=RetentionPolicy(municipality=place.municipality, record_type=RecordType.CASE_JEUGD, years=19),
        )
    assert "minimaal 20 jaar" in str(exc.value)
    with pytest.raises(services.ValidationError):
        services.policy_save(
            actor=staff,
            policy=RetentionPolicy(municipality=place.municipality, record_type=RecordType.AUDIT_EVENT, years=4),
        )


def test_the_whole_file_of_a_case_goes_agreed_plan_and_decision_included(db, django_capture_on_commit_callbacks):
    place = place_create()
    case = full_case(place, closed_on=years_ago(15, days=1))
    household_id, person_ids = case.household_id, list(case.household.members.values_list("person_id", flat=True))
    assert Plan.objects.filter(case=case, status="agreed").exists()
    assert Decision.objects.filter(case=case).exists() and MeldcodeStep.objects.filter(case=case).exists()
    run = services.run_create_dry_run(municipality=place.municipality)
    assert run is not None and run.counts[RecordType.CASE_WMO] == 1
    committed = CommitmentTotal.objects.filter(municipality=place.municipality).exclude(amount=0)
    assert committed.exists()

    run = _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE and run.removed == {"case_wmo": 1}
    # The commitment totals the reports read lose the removed arrangement's months too.
    assert not committed.exists()
    for model in (Plan, Arrangement, Escalation, Decision, Gesprek, MeldcodeStep, Signal, CaseNote):
        assert not model.objects.filter(case_id=case.pk).exists()
    assert not Consent.objects.filter(member__household_id=household_id).exists()
    assert not Household.objects.filter(pk=household_id).exists()
    assert not Person.objects.filter(pk__in=person_ids).exists()
    # The audit trail of the case stays (identifiers only): the access log outlives the file.
    assert AuditEvent.objects.filter(case_uuid=case.uuid).exists()


def test_the_frozen_plan_guard_still_refuses_outside_a_retention_batch(db):
    place = place_create()
    case = full_case(place, closed_on=years_ago(1))
    plan = Plan.objects.get(case=case)
    with pytest.raises(DatabaseError):
        from django.db import transaction

        with transaction.atomic():
            Plan.objects.filter(pk=plan.pk).delete()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_a_household_with_another_case_keeps_its_members(db, django_capture_on_commit_callbacks):
    from cases import services as case_services

    place = place_create()
    old = closed_case(place, closed_on=years_ago(15, days=1), laws=(Law.WMO,))
    newer = case_services.case_open(
        actor=place.regisseur, household=old.household, team=place.team, regisseur=place.regisseur
    )
    run = services.run_create_dry_run(municipality=place.municipality)

    _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)

    assert not Case.objects.filter(pk=old.pk).exists()
    assert Case.objects.filter(pk=newer.pk).exists()
    assert HouseholdMember.objects.filter(household_id=old.household_id).exists()


@pytest.fixture
def crash_on_delete():  # type: ignore[no-untyped-def]
    """A real database failure in the middle of a batch: deleting one chosen case raises."""

    def install(case_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION test_crash() RETURNS trigger AS $$ BEGIN "
                f"IF OLD.id = {int(case_id)} THEN RAISE EXCEPTION 'worker died'; END IF; RETURN OLD; END; "
                "$$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER test_crash BEFORE DELETE ON cases_case FOR EACH ROW EXECUTE FUNCTION test_crash()"
            )

    def remove() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS test_crash ON cases_case")
            cursor.execute("DROP FUNCTION IF EXISTS test_crash()")

    yield install, remove
    remove()


def test_a_run_broken_off_halfway_continues_and_completes_exactly_once(
    db, settings, crash_on_delete, django_capture_on_commit_callbacks
):
    settings.RETENTION_BATCH_SIZE = 2
    install, remove = crash_on_delete
    place = place_create()
    cases = [closed_case(place, closed_on=years_ago(15, days=1 + i), laws=(Law.WMO,)) for i in range(7)]
    run = services.run_create_dry_run(municipality=place.municipality)
    staff = _staff(place.municipality)
    with django_capture_on_commit_callbacks(execute=False):
        services.run_approve(actor=staff, run=run)
    order = list(run.items.order_by("id").values_list("object_id", flat=True))
    install(order[4])  # the first case of the third batch

    with pytest.raises(DatabaseError):
        services.run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.removed == {"case_wmo": 4}
    assert set(Case.objects.filter(pk__in=order).values_list("pk", flat=True)) == set(order[4:])
    assert run.items.filter(state=ItemState.PENDING).count() == 3

    remove()
    run = services.run_execute(run_id=run.pk)  # restarted

    assert run.status == RunStatus.DONE and run.removed == {"case_wmo": 7}
    assert not Case.objects.filter(pk__in=[c.pk for c in cases]).exists()
    total = sum(ClosedCaseAggregate.objects.filter(municipality=place.municipality).values_list("cases", flat=True))
    assert total == 7  # counted once each, the broken-off batch included
    deletes = AuditEvent.objects.filter(action="retention_delete")
    logged = sum(int(e.changes["count"]) for e in deletes if "count" in e.changes)
    assert logged == 7


def test_the_log_of_a_run_never_holds_names(boundary, django_capture_on_commit_callbacks):
    place, _kept, _removed, *_rest = boundary
    names = set(Person.objects.values_list("last_name", flat=True)) | set(
        Household.objects.values_list("name", flat=True)
    )
    run = services.run_create_dry_run(municipality=place.municipality)
    _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)
    for event in AuditEvent.objects.filter(action__startswith="retention"):
        text = str(event.changes) + event.purpose + event.target_id
        assert not any(name in text for name in names)


def test_staff_of_another_municipality_cannot_approve(boundary):
    place, _k, _r, _s, other, _f = boundary
    run = services.run_create_dry_run(municipality=place.municipality)
    with pytest.raises(services.PermissionDenied):
        services.run_approve(actor=_staff(other.municipality), run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DRY_RUN


def test_days_are_counted_from_the_calendar_day_29_february(db):
    from retention.rules import add_years, has_expired

    assert add_years(dt.date(2004, 2, 29), 15) == dt.date(2019, 2, 28)
    assert not has_expired(start=dt.date(2004, 2, 29), years=15, as_of=dt.date(2019, 2, 28))
    assert has_expired(start=dt.date(2004, 2, 29), years=15, as_of=dt.date(2019, 3, 1))


def test_a_hold_on_a_case_a_run_just_removed_is_refused_in_dutch(db, django_capture_on_commit_callbacks):
    place = place_create()
    case = closed_case(place, closed_on=years_ago(15, days=1), laws=(Law.WMO,))
    run = services.run_create_dry_run(municipality=place.municipality)
    _approve_and_run(run, _staff(place.municipality), django_capture_on_commit_callbacks)

    with pytest.raises(services.ValidationError) as exc:
        services.legal_hold_place(actor=place.regisseur, case=case, reason="court")  # the stale page's case
    assert "verwijderd" in str(exc.value)
    assert not LegalHold.objects.exists()
