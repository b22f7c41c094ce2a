"""Services of the cases app: BSN handling, one open case per household, access that
moves with shares and regisseur changes, and an audit trail without personal data."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent, EventKind
from cases import services
from cases.bsn import is_valid_bsn, validate_bsn
from cases.constants import Access, CaseStatus, RegisseurChangeReason
from cases.models import Case, Person
from cases.selectors import case_get_for_user, case_list_for_user, person_find_by_bsn
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory

BSN = "111222333"


@pytest.mark.parametrize("value", ["111222333", "123456782", "12345672"])
def test_valid_bsn_passes_the_eleven_test(value):
    validate_bsn(value)  # 8 digits get a leading zero
    assert is_valid_bsn(value.zfill(9))


@pytest.mark.parametrize("value", ["123456789", "111222334", "000000000", "12345", "12345678a", ""])
def test_invalid_bsn_fails_the_eleven_test(value):
    with pytest.raises(ValidationError):
        validate_bsn(value)


@pytest.mark.django_db
def test_person_with_invalid_bsn_is_not_created(make_user, team):
    actor = make_user(Role.REGISSEUR, team=team)
    with pytest.raises(ValidationError):
        services.person_get_or_create(
            actor=actor,
            municipality_id=team.municipality_id,
            first_name="An",
            last_name="Bakker",
            birth_date=datetime.date(1990, 1, 1),
            bsn="123456789",
        )
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_bsn_is_stored_encrypted_and_found_by_blind_index(make_user, team):
    actor = make_user(Role.REGISSEUR, team=team)
    person, created = services.person_get_or_create(
        actor=actor,
        municipality_id=team.municipality_id,
        first_name="An",
        last_name="Bakker",
        birth_date=datetime.date(1990, 1, 1),
        bsn=BSN,
    )
    assert created
    with connection.cursor() as cur:
        cur.execute("SELECT bsn_encrypted, bsn_index FROM cases_person WHERE id = %s", [person.pk])
        encrypted, index = cur.fetchone()
    assert encrypted and BSN not in encrypted
    assert index and BSN not in index
    found = person_find_by_bsn(municipality_id=team.municipality_id, bsn=BSN)
    assert found == person
    assert found.bsn == BSN
    assert found.bsn_masked == "*****2333"
    assert person_find_by_bsn(municipality_id=team.municipality_id, bsn="123456782") is None


@pytest.mark.django_db
def test_person_with_known_bsn_is_asked_once(make_user, team):
    # "Ask once" for a person the actor may read: a member of the household of their case.
    actor = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=actor)
    first, created = services.person_get_or_create(
        actor=actor,
        municipality_id=team.municipality_id,
        first_name="An",
        last_name="Bakker",
        birth_date=datetime.date(1990, 1, 1),
        bsn=BSN,
    )
    services.member_add(actor=actor, household=case.household, person=first, role="parent", case=case)
    again, created_again = services.person_get_or_create(
        actor=actor,
        municipality_id=team.municipality_id,
        first_name="Anna",
        last_name="Bakker-de Vries",
        birth_date=datetime.date(1990, 1, 1),
        bsn="111 222 333",
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Person.objects.filter(bsn_index__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="person_create").count() == 1


@pytest.mark.django_db
def test_birth_date_in_the_future_is_rejected(make_user, team):
    actor = make_user(Role.REGISSEUR, team=team)
    with pytest.raises(ValidationError) as exc:
        services.person_get_or_create(
            actor=actor,
            municipality_id=team.municipality_id,
            first_name="An",
            last_name="Bakker",
            birth_date=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "birth_date" in exc.value.message_dict
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_second_open_case_for_a_household_is_refused_and_nothing_saved(make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    household = HouseholdFactory(municipality=team.municipality)
    services.case_open(actor=regisseur, household=household, team=team, regisseur=regisseur)
    cases_before, events_before = Case.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.case_open(actor=regisseur, household=household, team=team, regisseur=regisseur)
    assert Case.objects.count() == cases_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_closed_case_allows_a_new_one_for_the_household(make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    household = HouseholdFactory(municipality=team.municipality)
    first = services.case_open(actor=regisseur, household=household, team=team, regisseur=regisseur)
    services.case_close(actor=regisseur, case=first, outcome="goal_reached")
    second = services.case_open(actor=regisseur, household=household, team=team, regisseur=regisseur)
    assert second.pk != first.pk and second.number != first.number
    assert set(Case.objects.filter(household=household).values_list("status", flat=True)) == {
        CaseStatus.OPEN,
        CaseStatus.CLOSED,
    }


@pytest.mark.django_db
def test_revoking_a_share_takes_effect_at_once(make_user, team):
    owner = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=owner)
    services.case_share(actor=owner, case=case, user=colleague, access=Access.WRITE)
    assert case_get_for_user(user=colleague, uuid=case.uuid, write=True) == case

    services.case_unshare(actor=owner, case=case, user=colleague)
    assert case not in case_list_for_user(user=colleague)
    with pytest.raises(Case.DoesNotExist):
        case_get_for_user(user=colleague, uuid=case.uuid)


@pytest.mark.django_db
def test_read_share_gives_read_and_write_share_gives_write(make_user, team):
    owner = make_user(Role.REGISSEUR, team=team)
    reader = make_user(Role.REGISSEUR, team=team)
    writer = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=owner)
    services.case_share(actor=owner, case=case, user=reader, access=Access.READ)
    services.case_share(actor=owner, case=case, user=writer, access=Access.WRITE)

    assert case in case_list_for_user(user=reader)
    assert case not in case_list_for_user(user=reader, codename="change_case")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=reader, case=case, text="Mag niet")
    assert case in case_list_for_user(user=writer, codename="change_case")
    services.note_add(actor=writer, case=case, text="Mag wel")

    services.case_share(actor=owner, case=case, user=writer, access=Access.READ)  # write → read
    assert case not in case_list_for_user(user=writer, codename="change_case")
    assert case in case_list_for_user(user=writer)


@pytest.mark.django_db
def test_share_with_a_team_group_gives_every_member_read_access(make_user, team):
    owner = make_user(Role.REGISSEUR, team=team)
    other_team = TeamFactory(municipality=team.municipality)
    members = [make_user(Role.REGISSEUR, team=other_team), make_user(Role.EXPERT, team=other_team)]
    outsider = make_user(Role.REGISSEUR)
    case = CaseFactory(team=team, regisseur=owner)
    services.case_share(actor=owner, case=case, team=other_team, access=Access.READ)
    for member in members:
        assert case_get_for_user(user=member, uuid=case.uuid) == case
        assert case not in case_list_for_user(user=member, codename="change_case")
    assert case not in case_list_for_user(user=outsider)


@pytest.mark.django_db
def test_only_the_regisseur_may_share(make_user, team):
    owner = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=owner)
    with pytest.raises(PermissionDenied):
        services.case_share(actor=colleague, case=case, user=colleague, access=Access.WRITE)
    assert case not in case_list_for_user(user=colleague)


@pytest.mark.django_db
def test_case_reassign_moves_write_access_to_new_regisseur(make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    old = make_user(Role.REGISSEUR, team=team)
    new = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=old)

    services.case_reassign(actor=leader, case=case, regisseur=new, reason=RegisseurChangeReason.EXPERTISE)

    assert case in case_list_for_user(user=new, codename="change_case")
    assert case not in case_list_for_user(user=old, codename="change_case")
    assert case not in case_list_for_user(user=old)  # the old regisseur keeps nothing
    with pytest.raises(PermissionDenied):
        services.note_add(actor=old, case=case, text="Te laat")
    change = case.regisseur_changes.last()
    assert (change.from_user, change.to_user, change.changed_by) == (old, new, leader)


@pytest.mark.django_db
def test_old_regisseur_keeps_access_only_through_a_share(make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    old = make_user(Role.REGISSEUR, team=team)
    new = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=old)
    services.case_reassign(actor=leader, case=case, regisseur=new, reason=RegisseurChangeReason.LEAVE)
    services.case_share(actor=new, case=case, user=old, access=Access.READ)
    assert case in case_list_for_user(user=old)
    assert case not in case_list_for_user(user=old, codename="change_case")


@pytest.mark.django_db
def test_a_regisseur_may_not_reassign(make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    other = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    with pytest.raises(PermissionDenied):
        services.case_reassign(actor=regisseur, case=case, regisseur=other, reason=RegisseurChangeReason.NO_CLICK)
    case.refresh_from_db()
    assert case.regisseur == regisseur


@pytest.mark.django_db
def test_every_write_leaves_one_audit_event_with_before_and_after(make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    regisseur = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    writes = [
        ("case_update", lambda: services.case_update(actor=regisseur, case=case, line="eerste")),
        ("case_share", lambda: services.case_share(actor=regisseur, case=case, user=colleague, access=Access.READ)),
        ("case_unshare", lambda: services.case_unshare(actor=regisseur, case=case, user=colleague)),
        ("note_add", lambda: services.note_add(actor=regisseur, case=case, text="Gesprek gehad")),
        (
            "case_reassign",
            lambda: services.case_reassign(
                actor=leader, case=case, regisseur=colleague, reason=RegisseurChangeReason.EXPERTISE
            ),
        ),
        ("case_close", lambda: services.case_close(actor=colleague, case=case, outcome="goal_reached")),
    ]
    for action, write in writes:
        before = AuditEvent.objects.count()
        write()
        assert AuditEvent.objects.count() == before + 1, action
        event = AuditEvent.objects.order_by("-id").first()
        assert (event.action, event.kind, event.case_uuid) == (action, EventKind.WRITE, case.uuid)
    update = AuditEvent.objects.get(action="case_update")
    assert update.changes == {"line": ["tweede", "eerste"]}
    assert update.actor == regisseur
    reassign = AuditEvent.objects.get(action="case_reassign")
    assert reassign.changes["regisseur"] == [str(regisseur.pk), str(colleague.pk)]
    close = AuditEvent.objects.get(action="case_close")
    assert close.changes == {"status": ["open", "closed"], "outcome": ["", "goal_reached"]}


@pytest.mark.django_db
def test_audit_never_contains_the_bsn_or_note_text(make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    person, _ = services.person_get_or_create(
        actor=regisseur,
        municipality_id=team.municipality_id,
        first_name="An",
        last_name="Bakker",
        birth_date=datetime.date(1990, 1, 1),
        bsn=BSN,
    )
    services.member_add(actor=regisseur, household=case.household, person=person, role="parent", case=case)
    secret = "Vermoeden van huiselijk geweld"
    services.note_add(actor=regisseur, case=case, text=secret)

    logged = json.dumps([e.changes for e in AuditEvent.objects.all()]) + json.dumps(
        list(AuditEvent.objects.values_list("target_id", "purpose", "view"))
    )
    assert BSN not in logged
    assert secret not in logged
    assert AuditEvent.objects.get(action="note_add").changes == {"text": "[gewijzigd]"}
    assert AuditEvent.objects.get(action="person_create").changes == {"bsn": "[gewijzigd]"}
