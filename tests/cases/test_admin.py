"""The cases admin shows case content only through case permissions (superusers included)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.constants import Role
from audit.models import AuditEvent, EventKind
from cases import services
from tests.cases.factories import CaseFactory, PersonFactory

VALID_BSN = "111222333"


def _staff_regisseur(make_user, team):  # type: ignore[no-untyped-def]
    user = make_user(Role.REGISSEUR, team=team, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="cases", codename__in=["view_case", "view_person", "view_household"]
        )
    )
    return user


@pytest.mark.django_db
def test_functional_admin_sees_empty_changelist_and_404_on_a_case(client, make_user, team):
    staff = make_user(Role.STAFF, team=team, is_staff=True, is_superuser=True)
    case = CaseFactory(team=team)
    client.force_login(staff)

    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 0
    assert case.number not in changelist.content.decode()

    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 404
    assert client.get(reverse("admin:cases_case_history", args=[case.pk])).status_code == 404
    household = case.household
    assert client.get(reverse("admin:cases_household_change", args=[household.pk])).status_code == 404
    person = household.members.get().person
    assert client.get(reverse("admin:cases_person_change", args=[person.pk])).status_code == 404


@pytest.mark.django_db
def test_missing_case_answers_404_like_a_forbidden_one(client, make_user, team):
    staff = make_user(Role.STAFF, team=team, is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(reverse("admin:cases_case_change", args=[987654])).status_code == 404


@pytest.mark.django_db
def test_staff_regisseur_sees_only_own_cases_and_404_for_others(client, make_user, team):
    regisseur = _staff_regisseur(make_user, team)
    own = CaseFactory(team=team, regisseur=regisseur)
    other = CaseFactory(team=team)
    client.force_login(regisseur)

    changelist = client.get(reverse("admin:cases_case_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [own]

    detail = client.get(reverse("admin:cases_case_change", args=[own.pk]))
    assert detail.status_code == 200
    assert own.number in detail.content.decode()
    assert AuditEvent.objects.filter(kind=EventKind.READ, case_uuid=own.uuid, actor=regisseur).count() == 1

    assert client.get(reverse("admin:cases_case_change", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:cases_household_change", args=[other.household.pk])).status_code == 404
    assert client.get(reverse("admin:cases_household_change", args=[own.household.pk])).status_code == 200


@pytest.mark.django_db
def test_shared_case_appears_in_admin_until_the_share_is_revoked(client, make_user, team):
    regisseur = _staff_regisseur(make_user, team)
    case = CaseFactory(team=team)
    services.case_share(actor=case.regisseur, case=case, user=regisseur, access="read")
    client.force_login(regisseur)
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200

    services.case_unshare(actor=case.regisseur, case=case, user=regisseur)
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_person_admin_never_shows_bsn_and_finds_by_exact_bsn_only(client, make_user, team):
    regisseur = _staff_regisseur(make_user, team)
    case = CaseFactory(team=team, regisseur=regisseur)
    person = PersonFactory(bsn=VALID_BSN, last_name="Jansen")
    services.member_add(actor=regisseur, household=case.household, person=person, role="parent", case=case)
    client.force_login(regisseur)
    url = reverse("admin:cases_person_changelist")

    by_bsn = client.get(url, {"q": VALID_BSN})
    assert list(by_bsn.context["cl"].result_list) == [person]
    # The search box and the sort links echo the user's own term; the rows and their links do not.
    rows = by_bsn.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    assert VALID_BSN not in rows
    assert reverse("admin:cases_person_change", args=[person.pk]) in rows

    partial = client.get(url, {"q": VALID_BSN[:5]})
    assert list(partial.context["cl"].result_list) == []

    detail = client.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert VALID_BSN not in body
    assert person.bsn_encrypted not in body

    by_name = client.get(url, {"q": "Jansen"})
    assert person in by_name.context["cl"].result_list
