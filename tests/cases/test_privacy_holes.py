"""Issue 9, holes 1, 2, 3, 9 and 10 on the cases side: person lookups scoped to one
municipality and to what the user may read (member and case-new forms), the blind index
unique per municipality, one BSN normal form (and its data migration), shares only to
casework roles of the case's municipality, and break-glass that ends at `expires_at`."""

import datetime
import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Notification
from audit.models import AuditEvent
from cases import breakglass, permissions, selectors, services
from cases.bsn import bsn_blind_index, clean_bsn, encrypt_bsn, is_valid_bsn, normalise_bsn
from cases.constants import Access, MemberRole
from cases.models import BreakGlassAccess, Case, CaseUserObjectPermission, HouseholdMember, Person
from tests.accounts.factories import MunicipalityFactory, TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

BSN = "111222333"
FULL_WIDTH = "１１１２２２３３３"
STORED_FIRST, STORED_LAST = "Gerritdina", "Stoffelsen"


def _person_in_case(team, bsn=BSN, *, regisseur=None, closed=False):  # type: ignore[no-untyped-def]
    household = HouseholdFactory(municipality=team.municipality)
    person = PersonFactory(municipality=team.municipality, bsn=bsn, first_name=STORED_FIRST, last_name=STORED_LAST)
    HouseholdMember.objects.create(household=household, person=person, role=MemberRole.PARENT)
    return person, CaseFactory(team=team, household=household, regisseur=regisseur, closed=closed)


def _member_data(**overrides) -> dict:  # type: ignore[no-untyped-def]
    return {
        "first_name": "Dina",
        "last_name": "Stoffels",
        "birth_date": "1985-05-17",
        "bsn": BSN,
        "role": "parent",
        **overrides,
    }


def _open_data(team, **overrides) -> dict:  # type: ignore[no-untyped-def]
    return {
        "household_name": "Gezin Nieuw",
        "household_address": "",
        "team": team.pk,
        "line": "tweede",
        "regisseur": "",
        **_member_data(**overrides),
    }


@pytest.fixture
def lochem_and_zutphen(make_user):  # type: ignore[no-untyped-def]
    lochem = TeamFactory(municipality=MunicipalityFactory(name="Lochem-holes"))
    zutphen = TeamFactory(municipality=MunicipalityFactory(name="Zutphen-holes"))
    lochem_regisseur = make_user(Role.REGISSEUR, team=lochem)
    zutphen_regisseur = make_user(Role.REGISSEUR, team=zutphen)
    person, lochem_case = _person_in_case(lochem, regisseur=lochem_regisseur)
    zutphen_case = CaseFactory(team=zutphen, regisseur=zutphen_regisseur)
    return {
        "lochem": lochem,
        "zutphen": zutphen,
        "person": person,
        "lochem_case": lochem_case,
        "zutphen_case": zutphen_case,
        "zutphen_regisseur": zutphen_regisseur,
    }


# --- hole 1 ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_hole1_bsn_lookup_never_crosses_municipalities_member_form(client, lochem_and_zutphen):
    w = lochem_and_zutphen
    client.force_login(w["zutphen_regisseur"])
    response = client.post(reverse("cases:member_add", args=[w["zutphen_case"].uuid]), _member_data(), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert STORED_FIRST not in body and STORED_LAST not in body and "Betrokken regisseur" not in body
    added = w["zutphen_case"].household.members.get(person__first_name="Dina").person
    assert added != w["person"]
    assert added.municipality == w["zutphen"].municipality
    assert added.bsn == BSN and added.bsn_index is not None  # Zutphen's own findable record
    assert not w["person"].memberships.filter(household__municipality=w["zutphen"].municipality).exists()
    assert not Notification.objects.filter(recipient=w["lochem_case"].regisseur).exists()
    assert not AuditEvent.objects.filter(case_uuid=w["lochem_case"].uuid, actor=w["zutphen_regisseur"]).exists()


@pytest.mark.django_db
def test_hole1_bsn_lookup_never_crosses_municipalities_case_new_form(client, lochem_and_zutphen):
    w = lochem_and_zutphen
    client.force_login(w["zutphen_regisseur"])
    response = client.post(reverse("cases:new"), _open_data(w["zutphen"]), follow=True)
    body = response.content.decode()
    assert "Voor deze persoon loopt al een open dossier" not in body  # Lochem's case is not revealed
    assert STORED_LAST not in body and "Betrokken regisseur" not in body
    case = Case.objects.get(team=w["zutphen"], household__name="Gezin Nieuw")
    person = case.household.members.get().person
    assert person != w["person"] and person.municipality == w["zutphen"].municipality
    assert not Notification.objects.filter(recipient=w["lochem_case"].regisseur).exists()


@pytest.mark.django_db
def test_hole1_the_lookups_answer_is_empty_in_the_other_municipality(lochem_and_zutphen):
    w = lochem_and_zutphen
    zutphen_id = w["zutphen"].municipality_id
    assert selectors.person_find_by_bsn(municipality_id=zutphen_id, bsn=BSN) is None
    assert selectors.person_find_by_bsn(municipality_id=w["lochem"].municipality_id, bsn=BSN) == w["person"]
    answer = selectors.person_lookup(
        user=w["zutphen_regisseur"],
        municipality_id=zutphen_id,
        bsn=BSN,
    )
    assert answer == selectors.PersonLookup(person=None, hidden=False, involved_cases=())
    by_name = selectors.person_find_by_name(
        municipality_id=zutphen_id, first_name=STORED_FIRST, last_name=STORED_LAST, birth_date=w["person"].birth_date
    )
    assert not by_name.exists()
    assert selectors.household_for_persons(municipality_id=zutphen_id, person_ids=[w["person"].pk]) is None
    assert selectors.case_open_for_persons(municipality_id=zutphen_id, person_ids=[w["person"].pk]) is None


@pytest.mark.django_db
def test_hole1_blind_index_is_unique_per_municipality_not_globally(lochem_and_zutphen):
    w = lochem_and_zutphen
    zutphen_person = PersonFactory(municipality=w["zutphen"].municipality, bsn=BSN)
    assert zutphen_person.bsn_index == w["person"].bsn_index
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(municipality=w["lochem"].municipality, bsn=BSN)


# --- hole 2 ---------------------------------------------------------------------------


@pytest.fixture
def stranger(make_user):  # type: ignore[no-untyped-def]
    municipality = MunicipalityFactory(name="Lochem-stranger")
    own, other = TeamFactory(municipality=municipality), TeamFactory(municipality=municipality)
    writer = make_user(Role.REGISSEUR, team=own)
    holder = make_user(Role.REGISSEUR, team=other, first_name="Rik", last_name="Regie", email="rik@example.invalid")
    person, held = _person_in_case(other, regisseur=holder)
    return {
        "own": own,
        "writer": writer,
        "own_case": CaseFactory(team=own, regisseur=writer),
        "held": held,
        "person": person,
    }


@pytest.mark.django_db
def test_hole2_member_form_links_only_readable_persons_and_answers_strangers_with_a_logged_contact(client, stranger):
    w = stranger
    client.force_login(w["writer"])
    response = client.post(reverse("cases:member_add", args=[w["own_case"].uuid]), _member_data(), follow=True)
    body = response.content.decode()
    assert STORED_FIRST not in body and STORED_LAST not in body
    assert f"Betrokken regisseur: Rik Regie, {w['held'].team.name} (rik@example.invalid)." in body
    assert w["held"].number not in body
    added = w["own_case"].household.members.get(person__first_name="Dina").person
    assert added != w["person"]
    assert added.bsn == BSN and added.bsn_index is None  # encrypted, but not a second findable record
    assert (
        AuditEvent.objects.filter(action="verwijsindex_match", case_uuid=w["held"].uuid, actor=w["writer"]).count() == 1
    )
    assert Notification.objects.filter(recipient=w["held"].regisseur, text__contains=w["held"].number).count() == 1


@pytest.mark.django_db
def test_hole2_case_new_with_the_bsn_of_someone_elses_open_case_gives_only_the_contact_line(client, stranger):
    w = stranger
    client.force_login(w["writer"])
    response = client.post(reverse("cases:new"), _open_data(w["own"]), follow=True)
    body = response.content.decode()
    assert "Voor deze persoon loopt al een open dossier" not in body
    assert "Betrokken regisseur: Rik Regie" in body and STORED_LAST not in body
    assert Case.objects.filter(household__name="Gezin Nieuw", team=w["own"]).exists()
    assert AuditEvent.objects.filter(action="verwijsindex_match", case_uuid=w["held"].uuid).count() == 1


@pytest.mark.django_db
def test_hole2_a_reader_of_the_open_case_is_told_it_exists(client, stranger):
    w = stranger
    services.case_share(actor=w["held"].regisseur, case=w["held"], user=w["writer"], access=Access.READ)
    client.force_login(w["writer"])
    response = client.post(reverse("cases:new"), _open_data(w["own"]))
    assert response.status_code == 200
    assert "Voor deze persoon loopt al een open dossier" in response.content.decode()
    assert not Case.objects.filter(household__name="Gezin Nieuw").exists()
    assert not AuditEvent.objects.filter(action="verwijsindex_match").exists()


# --- hole 3 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        FULL_WIDTH,
        "１１１ ２２２ ３３３",
        "111 222 333",
        "111.222.333",
        "111-222-333",
        "\u00a0111\u2009222\u200b333 ",
        "١١١٢٢٢٣٣٣",  # Arabic-Indic digits
        "१११२२२३३३",  # Devanagari digits
    ],
)
def test_hole3_every_way_of_typing_a_bsn_is_one_bsn(typed):
    assert normalise_bsn(typed) == BSN
    assert clean_bsn(typed) == BSN
    assert bsn_blind_index(typed) == bsn_blind_index(BSN)


@pytest.mark.parametrize("typed", ["11122233x", "²", "111222334", "1112223333"])
def test_hole3_other_characters_still_fail_the_eleven_test(typed):
    assert not is_valid_bsn(normalise_bsn(typed))
    with pytest.raises(ValidationError):
        clean_bsn(typed)


@pytest.mark.django_db
def test_hole3_full_width_bsn_on_the_member_form_links_the_same_person(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    person, _earlier = _person_in_case(team, regisseur=regisseur, closed=True)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    response = client.post(reverse("cases:member_add", args=[case.uuid]), _member_data(bsn=FULL_WIDTH))
    assert response.status_code == 302
    assert case.household.members.filter(person=person).exists()
    assert Person.objects.filter(last_name="Stoffels").count() == 0


@pytest.mark.django_db(transaction=True)
def test_hole3_and_hole1_migrations_split_derive_renormalise_and_report(settings):
    """Migrations cases.0006 (municipality per person) and 0007 (BSN re-normalised)."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("cases", "0005_person_municipality"), ("intake", "0001_initial"), ("audit", "0001_initial")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("cases", "0005_person_municipality")])
    try:
        old = executor.loader.project_state(before).apps
        Municipality = old.get_model("accounts", "Municipality")
        Group = old.get_model("auth", "Group")
        Team = old.get_model("accounts", "Team")
        User = old.get_model("accounts", "User")
        Household = old.get_model("cases", "Household")
        OldPerson = old.get_model("cases", "Person")
        Member = old.get_model("cases", "HouseholdMember")
        Signal = old.get_model("intake", "Signal")

        lochem = Municipality.objects.create(name="L-mig", code="9001")
        zutphen = Municipality.objects.create(name="Z-mig", code="9002")
        z_team = Team.objects.create(
            municipality=zutphen, name="Z", kind="wijkteam", group=Group.objects.create(name="z")
        )
        author = User.objects.create(username="mig")
        l_home = Household.objects.create(municipality=lochem, name="L")
        z_home = Household.objects.create(municipality=zutphen, name="Z")
        old_index = hmac.new(settings.BLIND_INDEX_KEY.encode(), FULL_WIDTH.encode(), hashlib.sha256).hexdigest()

        def person(name, bsn="", index=None):  # type: ignore[no-untyped-def]
            return OldPerson.objects.create(
                first_name=name,
                last_name="Mig",
                birth_date=datetime.date(1980, 1, 1),
                bsn_encrypted=encrypt_bsn(bsn) if bsn else "",
                bsn_index=index,
            )

        plain = person("Plain", BSN, bsn_blind_index(BSN))
        wide = person("Wide", FULL_WIDTH, old_index)  # stored as typed: a second person for one BSN
        both = person("Both")
        signalled = person("Signalled")
        orphan = person("Orphan")
        Member.objects.create(household=l_home, person=plain, role="parent")
        Member.objects.create(household=l_home, person=wide, role="parent")
        Member.objects.create(household=l_home, person=both, role="parent")
        Member.objects.create(household=z_home, person=both, role="child")
        signal = Signal.objects.create(team=z_team, source="school", question="?", created_by=author)
        signal.persons.set([signalled, both])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)

    plain, wide = Person.objects.get(first_name="Plain"), Person.objects.get(first_name="Wide")
    assert plain.municipality_id == wide.municipality_id == lochem.pk
    assert wide.bsn == BSN  # re-normalised and re-encrypted
    assert plain.bsn_index == bsn_blind_index(BSN) and wide.bsn_index is None  # reported, not merged
    duplicate = AuditEvent.objects.get(action="person_bsn_duplicate")
    assert duplicate.target_id == str(wide.uuid) and duplicate.changes == {"duplicate_of": [None, str(plain.uuid)]}

    # In households of both municipalities: split, each municipality keeps its own record.
    kept, copy = Person.objects.filter(first_name="Both").order_by("pk")
    assert kept.municipality_id == lochem.pk and copy.municipality_id == zutphen.pk
    assert list(HouseholdMember.objects.filter(person=copy).values_list("household__name", flat=True)) == ["Z"]
    assert list(HouseholdMember.objects.filter(person=kept).values_list("household__name", flat=True)) == ["L"]
    from intake.models import Signal as NewSignal

    assert set(NewSignal.objects.get().persons.values_list("first_name", "municipality_id")) == {
        ("Signalled", zutphen.pk),
        ("Both", zutphen.pk),
    }
    assert AuditEvent.objects.filter(action="person_split", target_id=str(kept.uuid)).count() == 1
    assert not Person.objects.filter(first_name="Orphan").exists()
    assert AuditEvent.objects.filter(action="person_remove_orphan", target_id=str(orphan.uuid)).count() == 1


# --- hole 9 ---------------------------------------------------------------------------


@pytest.fixture
def share_world(make_user):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    colleague_team = TeamFactory(municipality=team.municipality)
    owner = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=owner)
    people = {
        "regisseur": make_user(Role.REGISSEUR, team=colleague_team),
        "teamleider": make_user(Role.TEAMLEIDER, team=colleague_team),
        "expert": make_user(Role.EXPERT, team=TeamFactory(municipality=team.municipality, expertise=True)),
        "controller": make_user(Role.CONTROLLER, team=team),
        "staff": make_user(Role.STAFF, team=team, is_staff=True),
        "other_municipality": make_user(Role.REGISSEUR, team=TeamFactory()),
    }
    # A controller here who is a regisseur in the other municipality is not a colleague here.
    mixed = make_user(Role.CONTROLLER, team=team)
    from accounts.services import membership_add

    membership_add(user=mixed, team=people["other_municipality"].memberships.get().team, role=Role.REGISSEUR)
    people["mixed"] = mixed
    return case, owner, people


@pytest.mark.django_db
def test_hole9_shares_only_to_casework_roles_of_the_cases_municipality(client, share_world):
    case, owner, people = share_world
    allowed = {"regisseur", "teamleider", "expert"}
    offered = set(selectors.colleagues_for_sharing(case=case, actor=owner))
    assert offered == {people[k] for k in allowed}
    for key, user in people.items():
        if key in allowed:
            services.case_share(actor=owner, case=case, user=user, access=Access.READ)
            assert selectors.case_get_for_user(user=user, uuid=case.uuid) == case
            continue
        with pytest.raises(ValidationError):
            services.case_share(actor=owner, case=case, user=user, access=Access.WRITE)
        with pytest.raises(Case.DoesNotExist):
            selectors.case_get_for_user(user=user, uuid=case.uuid)
    with pytest.raises(ValidationError):
        services.case_share(actor=owner, case=case, team=TeamFactory(), access=Access.READ)

    # Over HTTP the picker refuses the controller with a Dutch error and grants nothing.
    client.force_login(owner)
    response = client.post(
        reverse("cases:share", args=[case.uuid]), {"user": people["controller"].pk, "access": "read"}
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not permissions.can_read(people["controller"], case)


# --- hole 10 --------------------------------------------------------------------------


@pytest.fixture
def emergency(make_user):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    case = CaseFactory(team=team)
    night = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    access = breakglass.break_glass_open(actor=night, case=case, reason="Crisis in de nacht, huisverbod")
    return case, night, access


@pytest.mark.django_db
def test_hole10_expired_break_glass_opens_nothing_before_the_task_runs(client, emergency):
    case, night, access = emergency
    assert permissions.can_read(night, case) and permissions.can_write(night, case)
    BreakGlassAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    # The grants are still there (the beat task has not run) …
    assert CaseUserObjectPermission.objects.filter(user=night, content_object=case).count() == 2
    # … but the permission check itself ends at expires_at.
    assert not permissions.can_read(night, case)
    assert not permissions.can_write(night, case)
    assert not permissions.has_write_access(night, case)
    assert not selectors.case_list_for_user(user=night).filter(pk=case.pk).exists()
    assert not selectors.case_list_for_user(user=night, codename=permissions.CHANGE).filter(pk=case.pk).exists()
    assert selectors.case_listing_for_user(user=night).count() == 0
    client.force_login(night)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404


@pytest.mark.django_db
def test_hole10_a_new_access_after_expiry_is_not_undone_by_the_tidy_up(emergency):
    case, night, access = emergency
    BreakGlassAccess.objects.filter(pk=access.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    again = breakglass.break_glass_open(actor=night, case=case, reason="Opnieuw crisis, regisseur weg")
    assert permissions.can_read(night, case)
    assert breakglass.break_glass_revoke_expired() == 1  # the first one only
    assert BreakGlassAccess.objects.get(pk=again.pk).revoked_at is None
    assert permissions.can_write(night, case)
    assert selectors.case_get_for_user(user=night, uuid=case.uuid, write=True) == case


@pytest.mark.django_db
def test_hole10_list_query_count_is_the_same_with_and_without_break_glass_rows(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    for _ in range(3):
        CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    client.get(reverse("cases:list"))
    with CaptureQueriesContext(connection) as without:
        client.get(reverse("cases:list"))
    for _ in range(5):
        other = CaseFactory(team=TeamFactory(municipality=team.municipality))
        breakglass.break_glass_open(actor=regisseur, case=other, reason="Crisis in de nacht, huisverbod")
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with CaptureQueriesContext(connection) as with_rows:
        response = client.get(reverse("cases:list"))
    assert len(response.context["page"].object_list) == 3
    assert len(with_rows) == len(without)
