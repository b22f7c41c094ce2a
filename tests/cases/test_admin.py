"""The cases admin: no case content, and cases only through case permissions (superusers included)."""

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
    assert client.get(f"/beheer/cases/household/{household.pk}/change/").status_code == 404
    person = household.members.get().person
    assert client.get(f"/beheer/cases/person/{person.pk}/change/").status_code == 404


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
    # Households are case content: not in the admin, not even for one's own case.
    assert client.get(f"/beheer/cases/household/{other.household.pk}/change/").status_code == 404
    assert client.get(f"/beheer/cases/household/{own.household.pk}/change/").status_code == 404
    assert own.household.name not in detail.content.decode()


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
def test_persons_are_not_in_the_admin_and_the_case_page_there_shows_no_person_data(client, make_user, team):
    regisseur = _staff_regisseur(make_user, team)
    case = CaseFactory(team=team, regisseur=regisseur)
    # A distinctive first name: a random one as short as "Bo" occurs in any admin page's text.
    person = PersonFactory(bsn=VALID_BSN, first_name="Wilhelmientje", last_name="Jansen")
    services.member_add(actor=regisseur, household=case.household, person=person, role="parent", case=case)
    client.force_login(regisseur)

    for url in (
        "/beheer/cases/person/",
        f"/beheer/cases/person/{person.pk}/change/",
        "/beheer/cases/householdmember/",
        "/beheer/cases/household/",
    ):
        assert client.get(url).status_code == 404, url
    detail = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    for text in (VALID_BSN, person.bsn_encrypted, person.first_name, "Jansen", case.household.name):
        assert text not in body


@pytest.mark.django_db
def test_a_name_in_the_admin_query_string_does_not_filter_cases(client, make_user, team):
    regisseur = _staff_regisseur(make_user, team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    cases = client.get(reverse("admin:cases_case_changelist"), {"q": case.household.name})
    assert list(cases.context["cl"].result_list) == []  # the case search looks at numbers only
    by_number = client.get(reverse("admin:cases_case_changelist"), {"q": case.number})
    assert list(by_number.context["cl"].result_list) == [case]


def test_the_admin_has_no_people_or_households_and_searches_cases_by_number_only():
    from django.contrib import admin

    from cases.models import Case, Household, HouseholdMember, Person

    for model in (Person, Household, HouseholdMember):
        assert model not in admin.site._registry
    assert list(admin.site._registry[Case].search_fields) == ["number"]
