import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Notification
from audit.models import AuditEvent
from cases.models import Case, Person
from intake import services
from intake.constants import AdviceOutcome, MeldcodeStepKind, SignalStatus, TriageRoute
from intake.models import MeldcodeStep, Signal
from tests.intake.conftest import BSN_MOTHER

pytestmark = pytest.mark.django_db


def test_same_person_reported_twice_by_bsn_is_stored_once(make_signal, mother_input):
    first = make_signal()
    second = make_signal(persons=[services.PersonInput(bsn=BSN_MOTHER)])
    assert Person.objects.filter(first_name="Chantal").count() == 1
    assert list(first.persons.all()) == list(second.persons.all())


def test_person_without_bsn_is_found_by_name_and_birth_date(make_signal):
    p = services.PersonInput(first_name="Kees", last_name="Bakker", birth_date=datetime.date(1970, 1, 1))
    make_signal(persons=[p])
    make_signal(persons=[services.PersonInput(first_name="kees", last_name="bakker", birth_date=p.birth_date)])
    assert Person.objects.filter(last_name="Bakker").count() == 1


def test_invalid_bsn_is_refused_in_dutch_and_nothing_saved(make_signal):
    bad = services.PersonInput(first_name="A", last_name="B", birth_date=datetime.date(1980, 1, 1), bsn="123456789")
    with pytest.raises(ValidationError) as exc:
        make_signal(persons=[bad])
    assert "geen geldig BSN" in str(exc.value)
    assert not Signal.objects.exists() and not Person.objects.exists()


def test_triage_advice_closes_the_signal_with_an_outcome(make_signal, regisseur):
    signal = make_signal()
    services.signal_triage(
        actor=regisseur, signal=signal, route=TriageRoute.ADVICE, advice_outcome=AdviceOutcome.GENERAL_PROVISION
    )
    signal.refresh_from_db()
    assert signal.status == SignalStatus.DONE
    assert signal.advice_outcome == AdviceOutcome.GENERAL_PROVISION
    assert signal.case is None and not Case.objects.exists()


def test_triage_advice_requires_an_outcome(make_signal, regisseur):
    signal = make_signal()
    with pytest.raises(ValidationError) as exc:
        services.signal_triage(actor=regisseur, signal=signal, route=TriageRoute.ADVICE)
    assert "uitkomst" in str(exc.value)


def test_triage_case_opens_a_case_with_the_chosen_regisseur(make_signal, teamleider, regisseur, team):
    signal = make_signal()
    planned = timezone.localdate() + datetime.timedelta(days=7)
    services.signal_triage(
        actor=teamleider, signal=signal, route=TriageRoute.CASE, regisseur=regisseur, gesprek_planned_on=planned
    )
    signal.refresh_from_db()
    case = signal.case
    assert case.regisseur == regisseur and case.team == team and not case.safety_flag
    assert signal.status == SignalStatus.WAITING and signal.gesprek_planned_on == planned
    assert list(case.household.members.values_list("person__first_name", flat=True)) == ["Chantal"]
    assert Notification.objects.filter(recipient=regisseur, text__contains=case.number).exists()
    assert AuditEvent.objects.filter(action="signal_triage", case_uuid=case.uuid).count() == 1


def test_triage_case_needs_a_regisseur_from_the_team(make_signal, regisseur, make_user):
    from accounts.constants import Role

    outsider = make_user(Role.REGISSEUR)
    signal = make_signal()
    with pytest.raises(ValidationError) as exc:
        services.signal_triage(
            actor=regisseur,
            signal=signal,
            route=TriageRoute.CASE,
            regisseur=outsider,
            gesprek_planned_on=timezone.localdate(),
        )
    assert "regisseur uit het team" in str(exc.value)
    assert not Case.objects.exists()


def test_triage_safety_flags_the_case_creates_meldcode_steps_and_notifies_teamleider(
    make_signal, regisseur, teamleider
):
    signal = make_signal()
    services.signal_triage(actor=regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=regisseur)
    signal.refresh_from_db()
    assert signal.case.safety_flag is True
    steps = MeldcodeStep.objects.filter(case=signal.case).order_by("step")
    assert [s.step for s in steps] == list(MeldcodeStepKind.values)
    assert all(s.done_on is None for s in steps)
    note = Notification.objects.get(recipient=teamleider)
    assert "Veiligheidssignaal" in note.text and signal.case.number in note.text
    assert "Chantal" not in note.text


def test_meldcode_step_records_its_date(make_signal, regisseur):
    signal = make_signal()
    signal = services.signal_triage(actor=regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=regisseur)
    step = MeldcodeStep.objects.get(case=signal.case_id, step=MeldcodeStepKind.SIGNALS)
    services.meldcode_step_complete(actor=regisseur, step=step, done_on=timezone.localdate())
    step.refresh_from_db()
    assert step.done_on == timezone.localdate()


def test_signal_about_household_with_open_case_is_attached_and_regisseur_notified(
    case_with_household, make_signal, make_user, team
):
    from accounts.constants import Role

    # Attached only for a reporter who may read the case (here: a read share); a stranger
    # gets the Verwijsindex contact line instead (tests/intake/test_privacy_holes.py).
    from cases.services import case_share

    colleague = make_user(Role.REGISSEUR, team=team)
    case_share(actor=case_with_household.regisseur, case=case_with_household, user=colleague, access="read")
    child = case_with_household.household.members.get(role="child").person
    signal = make_signal(
        actor=colleague,
        persons=[
            services.PersonInput(first_name=child.first_name, last_name=child.last_name, birth_date=child.birth_date)
        ],
    )
    assert signal.case == case_with_household
    assert Case.objects.count() == 1
    assert Notification.objects.filter(
        recipient=case_with_household.regisseur, text__contains=case_with_household.number
    ).exists()


def test_triage_case_for_household_with_open_case_attaches_instead_of_opening_a_second(
    case_with_household, regisseur, team
):
    # A signal registered before the case existed, so still unlinked.
    child = case_with_household.household.members.get(role="child").person
    signal = Signal.objects.create(team=team, source="school", question="?", created_by=regisseur)
    signal.persons.set([child])
    services.signal_triage(
        actor=regisseur,
        signal=signal,
        route=TriageRoute.CASE,
        regisseur=regisseur,
        gesprek_planned_on=timezone.localdate(),
    )
    signal.refresh_from_db()
    assert signal.case == case_with_household
    assert Case.objects.count() == 1
