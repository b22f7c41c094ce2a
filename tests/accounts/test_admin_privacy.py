"""The admin at /beheer/ for municipality staff (issue 9, holes 4 to 7; docs/permissions.md, "Admin").

A functioneel beheerder (is_staff, role "staff" in a team of Lochem, the demo's
"Functioneel beheer" group) manages the teams and users of Lochem; sees no case content;
cannot give themselves any role or flag; and every forbidden or missing object answers 404.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import Role, TeamKind
from accounts.demo import functional_admin_group
from accounts.models import Membership, Notification, Organisation, Team, User
from audit.models import AuditEvent
from cases.constants import ConsentMethod, ConsentPurpose, MemberRole, NetworkRelation
from cases.models import (
    BreakGlassAccess,
    Case,
    CaseNote,
    Consent,
    Household,
    HouseholdMember,
    NetworkContact,
    Person,
    RegisseurChange,
)
from intake.constants import Domain, MeldcodeStepKind, SignalSource
from intake.models import DomainScore, Gesprek, MeldcodeStep, Signal
from socialdomain.audit import audit_write
from tests.accounts.factories import MembershipFactory, MunicipalityFactory, TeamFactory, UserFactory
from tests.cases.factories import CaseFactory

BSN_LOCHEM = "111222333"
BSN_ZUTPHEN = "123456782"
MISSING_ID = 987654

# Every piece of client data the fixture stores; none may appear on any admin page of a beheerder.
CLIENT_TEXTS = [
    "Chantal",
    "Bakkerink",
    "Gezin Bakkerink",
    "Kerkstraat 12",
    BSN_LOCHEM,
    "Fatimazahra",
    "Oudenhoven",
    "Gezin Oudenhoven",
    BSN_ZUTPHEN,
    "Oma Riet",
    "Kind komt vaak te laat op school",
    "Meester Kees",
    "Moeder wil weer werken",
    "Schulden bij de energieleverancier",
    "Zorgen over de veiligheid thuis",
    "Crisis in de nacht",
    "Ruzie met de buren",
]


@dataclass
class World:
    lochem_team: Team
    loket: Team
    zutphen_team: Team
    beheerder: User
    regisseur: User
    teamleider: User
    regisseur_z: User
    teamleider_z: User
    outsider: User  # a new account without any role yet
    superuser: User
    case: Case
    case_z: Case
    organisation: Organisation
    signal: Signal
    gesprek: Gesprek
    step: MeldcodeStep
    totp: TOTPDevice


def _staff(username: str, **kwargs: Any) -> User:
    # Staff names are fixed so that they never collide with the client data above.
    return UserFactory(username=username, first_name=username.capitalize(), last_name="Medewerker", **kwargs)


def _person(first: str, last: str, bsn: str, municipality: Any) -> Person:
    person = Person(municipality=municipality, first_name=first, last_name=last, birth_date=datetime.date(1990, 4, 1))
    person.set_bsn(bsn)
    person.save()
    return person


def _case_with_content(*, team: Team, regisseur: User, first: str, last: str, bsn: str, org: Organisation) -> Case:
    household = Household.objects.create(municipality=team.municipality, name=f"Gezin {last}", address="Kerkstraat 12")
    member = HouseholdMember.objects.create(
        household=household, person=_person(first, last, bsn, team.municipality), role=MemberRole.PARENT
    )
    case = CaseFactory(team=team, household=household, regisseur=regisseur)
    contact = NetworkContact.objects.create(household=household, name="Oma Riet", relation=NetworkRelation.RELATIVE)
    Consent.objects.create(
        member=member,
        purpose=ConsentPurpose.SCHOOL,
        organisation=org,
        given=True,
        method=ConsentMethod.VERBAL,
        recorded_by=regisseur,
    )
    CaseNote.objects.create(case=case, author=regisseur, text="Ruzie met de buren")
    signal = Signal.objects.create(
        source=SignalSource.SCHOOL,
        question="Kind komt vaak te laat op school",
        reporter_name="Meester Kees",
        team=team,
        case=case,
        created_by=regisseur,
    )
    signal.persons.add(member.person)
    gesprek = Gesprek.objects.create(case=case, created_by=regisseur, question_behind="Moeder wil weer werken")
    gesprek.members.add(member)
    gesprek.contacts.add(contact)
    DomainScore.objects.create(
        gesprek=gesprek, member=member, domain=Domain.FINANCES, score=2, note="Schulden bij de energieleverancier"
    )
    MeldcodeStep.objects.create(case=case, signal=signal, step=MeldcodeStepKind.SIGNALS)
    BreakGlassAccess.objects.create(
        case=case,
        user=regisseur,
        reason="Zorgen over de veiligheid thuis",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    # An audit row whose change values hold client data (as case services write them).
    audit_write(
        actor=regisseur,
        action="case_edit",
        obj=household,
        case_uuid=case.uuid,
        changes={"name": ["Crisis in de nacht", household.name], "address": [None, "Kerkstraat 12"]},
    )
    return case


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    lochem = MunicipalityFactory(name="Lochem", code="0262")
    zutphen = MunicipalityFactory(name="Zutphen", code="0301")
    lochem_team = TeamFactory(municipality=lochem, name="Sociaal wijkteam Lochem")
    loket = TeamFactory(municipality=lochem, name="Zorgloket Lochem", kind=TeamKind.LOKET)
    zutphen_team = TeamFactory(municipality=zutphen, name="Sociaal wijkteam Zutphen")

    beheerder = _staff("beheerder", is_staff=True)
    beheerder.groups.add(functional_admin_group())
    # Resetting a lost phone: every device permission; the admin still limits what they do with it.
    beheerder.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["otp_totp", "otp_static"]))
    MembershipFactory(user=beheerder, team=loket, role=Role.STAFF)
    users = {}
    for name, team, role in [
        ("regisseur", lochem_team, Role.REGISSEUR),
        ("teamleider", lochem_team, Role.TEAMLEIDER),
        ("regisseurz", zutphen_team, Role.REGISSEUR),
        ("teamleiderz", zutphen_team, Role.TEAMLEIDER),
    ]:
        users[name] = _staff(name)
        MembershipFactory(user=users[name], team=team, role=role)
    superuser = _staff("superuser", is_staff=True, is_superuser=True)
    organisation = Organisation.objects.create(name="Basisschool De Wegwijzer", kind="school")
    organisation.municipalities.add(lochem, zutphen)

    case = _case_with_content(
        team=lochem_team,
        regisseur=users["regisseur"],
        first="Chantal",
        last="Bakkerink",
        bsn=BSN_LOCHEM,
        org=organisation,
    )
    case_z = _case_with_content(
        team=zutphen_team,
        regisseur=users["regisseurz"],
        first="Fatimazahra",
        last="Oudenhoven",
        bsn=BSN_ZUTPHEN,
        org=organisation,
    )
    totp = TOTPDevice.objects.create(user=users["regisseur"], name="Authenticator-app", confirmed=True)
    StaticDevice.objects.create(user=users["regisseur"], name="Back-upcodes", confirmed=True).token_set.create(
        token="backup123"
    )
    return World(
        lochem_team=lochem_team,
        loket=loket,
        zutphen_team=zutphen_team,
        beheerder=beheerder,
        regisseur=users["regisseur"],
        teamleider=users["teamleider"],
        regisseur_z=users["regisseurz"],
        teamleider_z=users["teamleiderz"],
        outsider=_staff("nieuw"),
        superuser=superuser,
        case=case,
        case_z=case_z,
        organisation=organisation,
        signal=Signal.objects.get(case=case),
        gesprek=Gesprek.objects.get(case=case),
        step=MeldcodeStep.objects.get(case=case),
        totp=totp,
    )


# --- helpers -------------------------------------------------------------------------------


def _value(bound: Any) -> Any:
    value = bound.value()
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def _form_data(response: Any) -> dict[str, Any]:
    """The POST data the admin change form of `response` would send unchanged."""
    data: dict[str, Any] = {}
    for fieldset in response.context["adminform"]:
        for line in fieldset:
            for field in line:
                if getattr(field, "is_readonly", False):
                    continue
                bound = field.field
                value = bound.value()
                if isinstance(value, datetime.datetime):  # a split date/time widget
                    value = timezone.localtime(value)
                    data[f"{bound.html_name}_0"] = value.date().isoformat()
                    data[f"{bound.html_name}_1"] = value.time().replace(microsecond=0).isoformat()
                elif (v := _value(bound)) is not None:
                    data[bound.html_name] = v
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, bound in ((b.html_name, b) for b in formset.management_form):
            data[key] = bound.value()
        for form in formset.forms:
            for bound in form:
                if (v := _value(bound)) is not None:
                    data[bound.html_name] = v
    return data


def _add_inline_row(data: dict[str, Any], prefix: str, **values: Any) -> dict[str, Any]:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for key, value in values.items():
        data[f"{prefix}-{index}-{key}"] = str(value)
    return data


def _roles(user: User) -> set[tuple[int, str]]:
    return set(Membership.objects.filter(user=user).values_list("team_id", "role"))


def _flags(user: User) -> tuple[bool, bool, set[int], set[int]]:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_staff,
        user.is_superuser,
        set(user.groups.values_list("pk", flat=True)),
        set(user.user_permissions.values_list("pk", flat=True)),
    )


def _assert_no_client_data(body: str, url: str) -> None:
    for text in CLIENT_TEXTS:
        assert text not in body, f"{text!r} on {url}"


# --- hole 4: no self-escalation, own municipality only, role changes audited and told -------


@pytest.mark.django_db
def test_hole4_beheerder_cannot_make_self_superuser(client, world):
    client.force_login(world.beheerder)
    url = reverse("admin:accounts_user_change", args=[world.beheerder.pk])
    page = client.get(url)
    assert page.status_code == 200
    before = _flags(world.beheerder)
    data = _form_data(page) | {
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [str(g.pk) for g in Group.objects.all()],
        "user_permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)[:3]],
    }
    assert client.post(url, data).status_code == 302  # saved: the flags were not part of the form
    assert _flags(world.beheerder) == before
    assert User.objects.get(pk=world.beheerder.pk).is_superuser is False


@pytest.mark.django_db
def test_hole4_beheerder_cannot_make_someone_else_superuser_or_staff(client, world):
    client.force_login(world.beheerder)
    url = reverse("admin:accounts_user_change", args=[world.regisseur.pk])
    page = client.get(url)
    assert page.status_code == 200
    before = _flags(world.regisseur)
    assert client.post(url, _form_data(page) | {"is_superuser": "on", "is_staff": "on"}).status_code == 302
    assert _flags(world.regisseur) == before


@pytest.mark.django_db
def test_hole4_beheerder_cannot_add_self_as_teamleider(client, world):
    client.force_login(world.beheerder)
    before = _roles(world.beheerder)

    # Through the team's membership inline ...
    team_url = reverse("admin:accounts_team_change", args=[world.lochem_team.pk])
    data = _add_inline_row(
        _form_data(client.get(team_url)), "memberships", user=world.beheerder.pk, role=Role.TEAMLEIDER
    )
    response = client.post(team_url, data)
    assert response.status_code == 200  # the form again, with the reason
    assert "eigen rollen" in response.content.decode()
    assert _roles(world.beheerder) == before

    # ... through the inline on their own account ...
    own_url = reverse("admin:accounts_user_change", args=[world.beheerder.pk])
    data = _add_inline_row(
        _form_data(client.get(own_url)), "memberships", team=world.lochem_team.pk, role=Role.TEAMLEIDER
    )
    client.post(own_url, data)
    assert _roles(world.beheerder) == before

    # ... or by changing their own existing row (staff of the front desk → teamleider).
    loket_url = reverse("admin:accounts_team_change", args=[world.loket.pk])
    data = _form_data(client.get(loket_url))
    own_row = next(k for k, v in data.items() if k.endswith("-user") and v == str(world.beheerder.pk))
    data[own_row.replace("-user", "-role")] = Role.TEAMLEIDER
    response = client.post(loket_url, data)
    assert "eigen rollen" in response.content.decode()
    assert _roles(world.beheerder) == before
    # Their own team's other fields can still be saved, their own row untouched.
    data = _form_data(client.get(loket_url)) | {"area": "Markt"}
    assert client.post(loket_url, data).status_code == 302
    assert Team.objects.get(pk=world.loket.pk).area == "Markt"
    assert not Notification.objects.filter(recipient=world.teamleider).exists()


@pytest.mark.django_db
def test_hole4_nobody_changes_own_roles_not_even_a_superuser(client, world):
    client.force_login(world.superuser)
    url = reverse("admin:accounts_team_change", args=[world.lochem_team.pk])
    data = _add_inline_row(_form_data(client.get(url)), "memberships", user=world.superuser.pk, role=Role.TEAMLEIDER)
    client.post(url, data)
    assert _roles(world.superuser) == set()
    own = client.get(reverse("admin:accounts_user_change", args=[world.superuser.pk]))
    assert "is_superuser" not in own.context["adminform"].form.fields


@pytest.mark.django_db
def test_hole4_beheerder_manages_only_own_municipality(client, world):
    client.force_login(world.beheerder)
    assert client.get(reverse("admin:accounts_team_change", args=[world.zutphen_team.pk])).status_code == 404
    assert client.get(reverse("admin:accounts_user_change", args=[world.regisseur_z.pk])).status_code == 404
    assert client.get(reverse("admin:accounts_user_change", args=[world.superuser.pk])).status_code == 404
    teams = client.get(reverse("admin:accounts_team_changelist")).context["cl"].result_list
    assert set(teams) == {world.lochem_team, world.loket}

    # A Lochem user cannot be given a role in a Zutphen team, nor a Zutphen user one in Lochem.
    url = reverse("admin:accounts_user_change", args=[world.regisseur.pk])
    data = _add_inline_row(_form_data(client.get(url)), "memberships", team=world.zutphen_team.pk, role=Role.REGISSEUR)
    client.post(url, data)
    url = reverse("admin:accounts_team_change", args=[world.lochem_team.pk])
    data = _add_inline_row(_form_data(client.get(url)), "memberships", user=world.regisseur_z.pk, role=Role.TEAMLEIDER)
    client.post(url, data)
    assert _roles(world.regisseur) == {(world.lochem_team.pk, Role.REGISSEUR)}
    assert _roles(world.regisseur_z) == {(world.zutphen_team.pk, Role.REGISSEUR)}
    # And no Zutphen row of a shared user is shown or changed from Lochem.
    MembershipFactory(user=world.regisseur, team=world.zutphen_team, role=Role.EXPERT)
    page = client.get(reverse("admin:accounts_user_change", args=[world.regisseur.pk]))
    rows = page.context["inline_admin_formsets"][0].formset.queryset
    assert {m.team for m in rows} == {world.lochem_team}


@pytest.mark.django_db
def test_hole4_role_changes_are_audited_and_tell_the_team_leader(client, world):
    client.force_login(world.beheerder)
    url = reverse("admin:accounts_team_change", args=[world.lochem_team.pk])
    data = _add_inline_row(_form_data(client.get(url)), "memberships", user=world.outsider.pk, role=Role.TEAMLEIDER)
    assert client.post(url, data).status_code == 302
    membership = Membership.objects.get(user=world.outsider, team=world.lochem_team)
    added = AuditEvent.objects.get(action="membership_add", actor=world.beheerder)
    assert added.changes["role"] == [None, Role.TEAMLEIDER]
    told = Notification.objects.filter(recipient=world.teamleider)
    assert told.count() == 1
    assert "Nieuw" in told.get().text and "Teamleider" in told.get().text
    _assert_no_client_data(told.get().text, "notification")
    assert world.outsider.groups.filter(pk=world.lochem_team.group_id).exists()

    # Change the role, then take it away: each audited, each told.
    data = _form_data(client.get(url))
    row = next(k for k, v in data.items() if k.endswith("-id") and v == str(membership.pk))
    data[row.replace("-id", "-role")] = Role.EXPERT
    assert client.post(url, data).status_code == 302
    assert AuditEvent.objects.get(action="membership_change", actor=world.beheerder).changes["role"] == [
        Role.TEAMLEIDER,
        Role.EXPERT,
    ]
    data = _form_data(client.get(url))
    data[row.replace("-id", "-DELETE")] = "on"
    assert client.post(url, data).status_code == 302
    assert not Membership.objects.filter(user=world.outsider).exists()
    assert AuditEvent.objects.filter(action="membership_remove", actor=world.beheerder).count() == 1
    assert Notification.objects.filter(recipient=world.teamleider).count() == 3
    assert not world.outsider.groups.filter(pk=world.lochem_team.group_id).exists()
    # The Zutphen leader hears nothing of Lochem.
    assert not Notification.objects.filter(recipient=world.teamleider_z).exists()


@pytest.mark.django_db
def test_hole4_only_superusers_change_flags_and_groups_audited(client, world):
    client.force_login(world.superuser)
    url = reverse("admin:accounts_user_change", args=[world.regisseur.pk])
    extra = Group.objects.create(name="Rapportages")
    data = _form_data(client.get(url)) | {"is_staff": "on", "groups": [str(extra.pk)]}
    assert client.post(url, data).status_code == 302
    regisseur = User.objects.get(pk=world.regisseur.pk)
    assert regisseur.is_staff and regisseur.groups.filter(pk=extra.pk).exists()
    # The team group stays: it follows the memberships, not the form.
    assert regisseur.groups.filter(pk=world.lochem_team.group_id).exists()
    event = AuditEvent.objects.get(action="user_privileges_change", actor=world.superuser)
    assert event.changes["is_staff"] == ["False", "True"]
    assert event.changes["groups"] == ["", "Rapportages"]
    assert Notification.objects.filter(recipient=world.teamleider).count() == 1

    # A beheerder may not change groups at all.
    client.force_login(world.beheerder)
    assert client.get(reverse("admin:auth_group_change", args=[extra.pk])).status_code == 404


# --- hole 5: no case content in the admin, for anyone -------------------------------------------


CASE_CONTENT_PATHS = [
    "intake/signal",
    "intake/gesprek",
    "intake/meldcodestep",
    "intake/domainscore",
    "cases/household",
    "cases/householdmember",
    "cases/person",
    "cases/networkcontact",
    "cases/casenote",
    "cases/consent",
    "cases/breakglassaccess",
    "cases/regisseurchange",
    "accounts/notification",
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["beheerder", "superuser"])
def test_hole5_intake_and_other_case_content_is_not_in_the_admin(client, world, who):
    client.force_login(getattr(world, who))
    objects = {
        "intake/signal": world.signal.pk,
        "intake/gesprek": world.gesprek.pk,
        "intake/meldcodestep": world.step.pk,
        "cases/person": Person.objects.first().pk,  # type: ignore[union-attr]
    }
    for path in CASE_CONTENT_PATHS:
        pk = objects.get(path, 1)
        for url in (f"/beheer/{path}/", f"/beheer/{path}/{pk}/change/", f"/beheer/{path}/{pk}/history/"):
            response = client.get(url)
            assert response.status_code == 404, url
            _assert_no_client_data(response.content.decode(), url)
    index = client.get("/beheer/").content.decode()
    for name in ("Aanmeldingen", "Gesprekken", "Meldcodestappen", "Personen", "Huishoudens", "Noodtoegangen"):
        assert f">{name}<" not in index


@pytest.mark.django_db
def test_hole5_the_case_admin_shows_no_content_fields_even_to_the_cases_regisseur(client, world):
    world.regisseur.is_staff = world.regisseur.is_superuser = True
    world.regisseur.save()
    client.force_login(world.regisseur)
    for url in (
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_change", args=[world.case.pk]),
        reverse("admin:cases_case_history", args=[world.case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert world.case.number in response.content.decode()
        _assert_no_client_data(response.content.decode(), url)


# --- hole 6: no personal data in __str__, delete confirmations or the audit admin -------------------


@pytest.mark.django_db
def test_hole6_str_of_case_bound_models_carries_no_personal_data(world):
    models = [
        Person,
        Household,
        HouseholdMember,
        NetworkContact,
        Case,
        CaseNote,
        Consent,
        RegisseurChange,
        BreakGlassAccess,
        Signal,
        MeldcodeStep,
        Gesprek,
        DomainScore,
        Notification,
        AuditEvent,
    ]
    Notification.objects.create(recipient=world.regisseur, text="Gezin Bakkerink: Chantal belde")
    for model in models:
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            _assert_no_client_data(str(row), f"str({model.__name__})")


@pytest.mark.django_db
def test_hole6_delete_confirmations_list_no_client_data(client, world):
    client.force_login(world.superuser)
    for url in (
        reverse("admin:accounts_organisation_delete", args=[world.organisation.pk]),
        reverse("admin:accounts_team_delete", args=[world.lochem_team.pk]),
        reverse("admin:accounts_user_delete", args=[world.regisseur.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Toestemming" in body or "Dossier" in body or "dossier" in body, url  # the rows are listed ...
        _assert_no_client_data(body, url)  # ... by number, never by name
        assert "Delen met school" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["beheerder", "superuser"])
def test_hole6_the_audit_admin_shows_no_change_values(client, world, who):
    client.force_login(getattr(world, who))
    event = AuditEvent.objects.get(action="case_edit", case_uuid=world.case.uuid)
    for url in (
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:audit_auditevent_change", args=[event.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_client_data(response.content.decode(), url)
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert "address, name" in detail  # which fields changed, not to what
    # A Lochem beheerder sees no Zutphen rows.
    if who == "beheerder":
        zutphen = AuditEvent.objects.filter(case_uuid=world.case_z.uuid).first()
        assert client.get(reverse("admin:audit_auditevent_change", args=[zutphen.pk])).status_code == 404  # type: ignore[union-attr]


# --- hole 7: 404 for forbidden and missing alike; no 500 -------------------------------------------


@pytest.mark.django_db
def test_hole7_history_of_an_intake_record_answers_404_for_existing_and_missing_ids(client, world):
    client.force_login(world.beheerder)
    for path, pk in (
        ("intake/signal", world.signal.pk),
        ("intake/gesprek", world.gesprek.pk),
        ("intake/meldcodestep", world.step.pk),
    ):
        for view in ("history", "change", "delete"):
            existing = client.get(f"/beheer/{path}/{pk}/{view}/")
            missing = client.get(f"/beheer/{path}/{MISSING_ID}/{view}/")
            assert existing.status_code == missing.status_code == 404, (path, view)


@pytest.mark.django_db
def test_hole7_forbidden_objects_of_every_admin_model_answer_404_like_missing_ones(client, world):
    client.force_login(world.beheerder)
    cases = [
        ("accounts/team", world.zutphen_team.pk),
        ("accounts/user", world.regisseur_z.pk),
        ("accounts/user", world.superuser.pk),
        ("accounts/municipality", world.zutphen_team.municipality_id),
        ("cases/case", world.case.pk),
        ("auth/group", world.lochem_team.group_id),
    ]
    for path, pk in cases:
        for view in ("change", "history", "delete"):
            assert client.get(f"/beheer/{path}/{pk}/{view}/").status_code == 404, (path, view)
            assert client.get(f"/beheer/{path}/{MISSING_ID}/{view}/").status_code == 404, (path, view)
    assert client.get(f"/beheer/accounts/user/{world.regisseur_z.pk}/password/").status_code == 404
    assert client.get(f"/beheer/accounts/user/{MISSING_ID}/password/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["beheerder", "superuser"])
def test_hole7_otp_config_and_qrcode_of_a_missing_device_answer_404(client, world, who):
    client.force_login(getattr(world, who))
    for view in ("config", "qrcode"):
        assert client.get(f"/beheer/otp_totp/totpdevice/{MISSING_ID}/{view}/").status_code == 404
        existing = client.get(f"/beheer/otp_totp/totpdevice/{world.totp.pk}/{view}/")
        # The secret is for superusers only; to a beheerder an existing device looks missing.
        assert existing.status_code == (200 if who == "superuser" else 404)


# --- the walk: every admin URL as a functioneel beheerder ----------------------------------------------


def _visible_pks(model_admin: admin.ModelAdmin, user: User) -> set[str]:
    request = RequestFactory().get("/beheer/")
    request.user = user
    return {str(pk) for pk in model_admin.get_queryset(request).values_list("pk", flat=True)}


def _admin_urls(world: World) -> list[tuple[str, str | None]]:
    """(url, pk of an existing object or None) for every admin screen, plus case-content paths."""
    urls: list[tuple[str, str | None]] = [("/beheer/", None)]
    apps = set()
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/beheer/{opts.app_label}/{opts.model_name}"
        apps.add(opts.app_label)
        urls += [(f"{base}/", None), (f"{base}/add/", None)]
        pks = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        for pk in [*pks, str(MISSING_ID)]:
            for view in ("change", "history", "delete"):
                urls.append((f"{base}/{pk}/{view}/", pk))
            if model is User:
                urls.append((f"{base}/{pk}/password/", pk))
            if model is TOTPDevice:
                urls += [(f"{base}/{pk}/config/", pk), (f"{base}/{pk}/qrcode/", pk)]
    urls += [(f"/beheer/{app}/", None) for app in sorted(apps | {"intake"})]
    for path in CASE_CONTENT_PATHS:
        urls += [(f"/beheer/{path}/", None), (f"/beheer/{path}/1/history/", "1"), (f"/beheer/{path}/1/change/", "1")]
    return urls


@pytest.mark.django_db
def test_walk_every_admin_url_as_functioneel_beheerder(client, world):
    beheerder = world.beheerder
    client.force_login(beheerder)
    before_roles, before_flags = _roles(beheerder), _flags(beheerder)
    visited = 0
    for url, pk in _admin_urls(world):
        response = client.get(url)  # a 500 raises here
        visited += 1
        assert response.status_code != 403, url  # forbidden answers like missing: 404
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        if response.status_code == 302:
            assert "/beheer/login/" not in response["Location"], url
        match = re.match(r"/beheer/(\w+)/(\w+)/", url)
        if pk is not None and match:
            model_admin = next(
                (
                    a
                    for m, a in admin.site._registry.items()
                    if (m._meta.app_label, m._meta.model_name) == match.groups()
                ),
                None,
            )
            if model_admin is None or pk not in _visible_pks(model_admin, beheerder):
                assert response.status_code == 404, f"{url}: an object one may not see must look missing"
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            _assert_no_client_data(response.content.decode(), url)
    assert visited > 100

    # No way to change their own roles or flags: every POST route tried, nothing changes.
    own = reverse("admin:accounts_user_change", args=[beheerder.pk])
    data = _form_data(client.get(own))
    client.post(own, data | {"is_superuser": "on", "groups": [str(g.pk) for g in Group.objects.all()]})
    client.post(own, _add_inline_row(dict(data), "memberships", team=world.lochem_team.pk, role=Role.TEAMLEIDER))
    team = reverse("admin:accounts_team_change", args=[world.lochem_team.pk])
    client.post(
        team, _add_inline_row(_form_data(client.get(team)), "memberships", user=beheerder.pk, role="teamleider")
    )
    client.post(reverse("admin:auth_group_change", args=[world.lochem_team.group_id]), {"name": "x"})
    client.post(reverse("admin:accounts_team_delete", args=[world.loket.pk]), {"post": "yes"})
    assert _roles(beheerder) == before_roles
    assert _flags(beheerder) == before_flags
    assert Team.objects.filter(pk=world.loket.pk).exists()


@pytest.mark.django_db
def test_a_superuser_can_still_do_everything(client, world):
    client.force_login(world.superuser)
    # Flags of another user.
    url = reverse("admin:accounts_user_change", args=[world.regisseur_z.pk])
    assert client.post(url, _form_data(client.get(url)) | {"is_superuser": "on", "is_staff": "on"}).status_code == 302
    assert User.objects.get(pk=world.regisseur_z.pk).is_superuser
    # Roles in any municipality.
    url = reverse("admin:accounts_team_change", args=[world.zutphen_team.pk])
    data = _add_inline_row(_form_data(client.get(url)), "memberships", user=world.outsider.pk, role=Role.EXPERT)
    assert client.post(url, data).status_code == 302
    assert _roles(world.outsider) == {(world.zutphen_team.pk, Role.EXPERT)}
    # The Zutphen leader was told twice: the new superuser, the new expert.
    assert Notification.objects.filter(recipient=world.teamleider_z).count() == 2
    # Every team, municipality, user and group; second factors including their secrets.
    for url in (
        reverse("admin:accounts_team_change", args=[world.lochem_team.pk]),
        reverse("admin:accounts_municipality_change", args=[world.zutphen_team.municipality_id]),
        reverse("admin:accounts_user_change", args=[world.beheerder.pk]),
        reverse("admin:auth_group_change", args=[world.lochem_team.group_id]),
        reverse("admin:otp_totp_totpdevice_change", args=[world.totp.pk]),
        reverse("admin:otp_static_staticdevice_change", args=[StaticDevice.objects.get().pk]),
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:cases_case_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    group = Group.objects.create(name="Rapportages")
    assert client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Rapportage"}).status_code == 302
    assert Group.objects.get(pk=group.pk).name == "Rapportage"


# --- list pages: constant query counts -----------------------------------------------------------------


def _changelist_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_admin_lists_of_a_beheerder_take_the_same_number_of_queries_for_few_and_many_rows(client, world):
    client.force_login(world.beheerder)
    urls = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_team_changelist"),
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_static_staticdevice_changelist"),
    ]
    few = {url: _changelist_queries(client, url) for url in urls}
    organisation = Organisation.objects.create(name="GGD Noord- en Oost-Gelderland", kind="ggd")
    for i in range(8):
        user = _staff(f"extra{i}", organisation=organisation)
        MembershipFactory(user=user, team=TeamFactory(municipality=world.lochem_team.municipality), role=Role.EXPERT)
        TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)
        StaticDevice.objects.create(user=user, name="Back-upcodes", confirmed=True)
    assert {url: _changelist_queries(client, url) for url in urls} == few


@pytest.mark.django_db
def test_hole4_beheerder_cannot_take_over_a_second_factor(client, world):
    zutphen_device = TOTPDevice.objects.create(user=world.regisseur_z, name="Authenticator-app", confirmed=True)
    static = StaticDevice.objects.get(user=world.regisseur)
    client.force_login(world.beheerder)

    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 404
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[world.totp.pk]))
    assert change.status_code == 200  # a user of their municipality: visible, to reset it
    assert world.totp.key not in change.content.decode()
    response = client.post(reverse("admin:otp_totp_totpdevice_change", args=[world.totp.pk]), {"key": "00" * 20})
    assert response.status_code == 404
    assert TOTPDevice.objects.get(pk=world.totp.pk).key == world.totp.key
    assert (
        "backup123"
        not in client.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk])).content.decode()
    )
    assert client.get(reverse("admin:otp_totp_totpdevice_change", args=[zutphen_device.pk])).status_code == 404
    # Removing (resetting) a device of a user they manage is allowed.
    url = reverse("admin:otp_totp_totpdevice_delete", args=[world.totp.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=world.totp.pk).exists()


@pytest.mark.django_db
def test_hole4_a_password_set_by_the_beheerder_is_audited_and_told(client, world):
    client.force_login(world.beheerder)
    url = reverse("admin:auth_user_password_change", args=[world.regisseur.pk])
    new = "een-nieuw-wachtwoord-2026"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    assert User.objects.get(pk=world.regisseur.pk).check_password(new)
    event = AuditEvent.objects.get(action="user_password_set", actor=world.beheerder)
    assert new not in str(event.changes)
    assert Notification.objects.filter(recipient=world.teamleider, text__startswith="Wachtwoord").count() == 1


@pytest.mark.django_db
def test_hole6_names_stored_in_the_admin_log_before_are_forgotten(world):
    import importlib

    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module("audit.migrations.0002_admin_log_without_personal_data")
    person = Person.objects.get(first_name="Chantal")
    old = LogEntry.objects.create(
        user=world.superuser,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr="Chantal Bakkerink",
        action_flag=CHANGE,
    )
    team = LogEntry.objects.create(
        user=world.superuser,
        content_type=ContentType.objects.get_for_model(Team),
        object_id=str(world.loket.pk),
        object_repr="Zorgloket Lochem (Lochem)",
        action_flag=CHANGE,
    )
    migration.forget_names(apps, None)
    assert LogEntry.objects.get(pk=old.pk).object_repr == f"person #{person.pk}"
    assert LogEntry.objects.get(pk=team.pk).object_repr == "Zorgloket Lochem (Lochem)"
