"""Life domains fit the person: per age band, per municipality, adjustable in the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from cases.constants import MemberRole
from cases.models import HouseholdMember
from intake import selectors, services
from intake.constants import Domain
from intake.models import DomainAgeBand
from tests.accounts.factories import MunicipalityFactory, TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

ADULT_ONLY = ("justice", "addiction", "work")


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


def _case_with_teenager(team, regisseur):  # type: ignore[no-untyped-def]
    household = HouseholdFactory(municipality=team.municipality)  # one adult parent
    teen = PersonFactory(first_name="Sem", birth_date=_years_ago(15))
    member = HouseholdMember.objects.create(household=household, person=teen, role=MemberRole.CHILD)
    case = CaseFactory(team=team, household=household, regisseur=regisseur)
    return case, member, household.members.get(role=MemberRole.PARENT)


def _form_data(gesprek, **extra):  # type: ignore[no-untyped-def]
    return {
        "version": gesprek.version,
        "date": timezone.localdate().isoformat(),
        "place": "thuis",
        "members": [m.pk for m in gesprek.case.household.members.all()],
        **extra,
    }


@pytest.fixture
def regisseur(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(Role.REGISSEUR, team=team)


def test_a_15_year_old_gets_no_adult_domains_and_the_parent_gets_all(client, team, regisseur):
    case, teen, parent = _case_with_teenager(team, regisseur)
    gesprek = services.gesprek_start(actor=regisseur, case=case)
    client.force_login(regisseur)
    response = client.get(reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid}))
    form = response.context["form"]
    teen_fields = {n for n in form.fields if n.startswith(f"score_{teen.pk}_")}
    parent_fields = {n for n in form.fields if n.startswith(f"score_{parent.pk}_")}
    for domain in ADULT_ONLY:
        assert f"score_{teen.pk}_{domain}" not in teen_fields
        assert f"score_{parent.pk}_{domain}" in parent_fields
    assert f"score_{teen.pk}_mental" in teen_fields and f"score_{teen.pk}_daytime" in teen_fields
    html = response.content.decode()
    assert "Leefgebied toevoegen voor Sem" in html


def test_the_regisseur_adds_an_adult_domain_for_one_member_and_its_score_is_kept(client, team, regisseur):
    case, teen, _parent = _case_with_teenager(team, regisseur)
    gesprek = services.gesprek_start(actor=regisseur, case=case)
    url = reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid})
    client.force_login(regisseur)
    # "Toevoegen": the page comes back with the row, nothing is saved yet.
    response = client.post(url, _form_data(gesprek, add_domain=str(teen.pk), **{f"add_{teen.pk}": "justice"}))
    assert response.status_code == 200
    form = response.context["form"]
    assert f"score_{teen.pk}_justice" in form.fields and f"score_{teen.pk}_addiction" not in form.fields
    assert f"{teen.pk}:justice" in response.content.decode()  # carried in the hidden extra_domains
    gesprek.refresh_from_db()
    assert gesprek.status == "draft" and gesprek.version == 1 and not gesprek.scores.exists()
    # Scoring it and saving keeps it, and the next page shows it without adding again.
    data = _form_data(gesprek, extra_domains=[f"{teen.pk}:justice"], **{f"score_{teen.pk}_justice": "2"})
    assert client.post(url, data).status_code == 302
    assert list(gesprek.scores.values_list("member_id", "domain", "score")) == [(teen.pk, "justice", 2)]
    second = services.gesprek_start(actor=regisseur, case=case)  # prefilled from the first
    fields = client.get(reverse("intake:gesprek_edit", kwargs={"uuid": second.uuid})).context["form"].fields
    assert f"score_{teen.pk}_justice" in fields and f"score_{teen.pk}_work" not in fields


def test_an_added_domain_that_is_not_a_domain_or_not_a_member_is_ignored(client, team, regisseur):
    case, teen, _parent = _case_with_teenager(team, regisseur)
    gesprek = services.gesprek_start(actor=regisseur, case=case)
    client.force_login(regisseur)
    response = client.post(
        reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid}),
        _form_data(gesprek, add_domain="999999", add_999999="justice", extra_domains=[f"{teen.pk}:nope", "x:y"]),
    )
    assert response.status_code == 200
    assert not [
        n
        for n in response.context["form"].fields
        if n.endswith(("_justice", "_nope")) and n.startswith(f"score_{teen.pk}")
    ]


def test_bands_are_per_municipality_and_lochem_does_not_affect_zutphen(client, make_user):
    lochem = MunicipalityFactory(name="Lochem")
    zutphen = MunicipalityFactory(name="Zutphen")
    for m in (lochem, zutphen):
        services.domain_age_bands_ensure_defaults(actor=None, municipality=m)
    # The functional administrator lets Lochem score "Werk & opleiding" from 15.
    from accounts.demo import functional_admin_group

    staff = make_user(Role.STAFF, team=TeamFactory(municipality=lochem), is_staff=True)
    staff.groups.add(functional_admin_group())
    client.force_login(staff)
    band = DomainAgeBand.objects.get(municipality=lochem, domain=Domain.WORK)
    change = reverse("admin:intake_domainageband_change", args=[band.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"municipality": lochem.pk, "domain": Domain.WORK, "min_age": "15", "max_age": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    for municipality, expected in ((lochem, True), (zutphen, False)):
        household = HouseholdFactory(municipality=municipality)
        teen = HouseholdMember.objects.create(
            household=household, person=PersonFactory(birth_date=_years_ago(15)), role=MemberRole.CHILD
        )
        members = list(household.members.select_related("person"))
        domains = selectors.domains_for(members=members, municipality_id=municipality.pk, on=timezone.localdate())[
            teen.pk
        ]
        assert (Domain.WORK in domains) is expected, municipality
        assert Domain.JUSTICE not in domains


def test_a_beheerder_neither_sees_nor_creates_bands_of_another_municipality(client, make_user):
    lochem = MunicipalityFactory(name="Lochem")
    zutphen = MunicipalityFactory(name="Zutphen")
    for m in (lochem, zutphen):
        services.domain_age_bands_ensure_defaults(actor=None, municipality=m)
    from accounts.demo import functional_admin_group

    staff = make_user(Role.STAFF, team=TeamFactory(municipality=lochem), is_staff=True)
    staff.groups.add(functional_admin_group())
    client.force_login(staff)
    theirs = DomainAgeBand.objects.filter(municipality=zutphen).first()
    assert theirs is not None
    assert client.get(reverse("admin:intake_domainageband_change", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("admin:intake_domainageband_changelist")).content.decode()
    assert f'/{theirs.pk}/change/"' not in listing and "Zutphen" not in listing
    before = DomainAgeBand.objects.filter(municipality=zutphen).count()
    response = client.post(
        reverse("admin:intake_domainageband_add"),
        {"municipality": zutphen.pk, "domain": Domain.JUSTICE, "min_age": "30", "max_age": ""},
    )
    assert response.status_code == 200  # re-shown: Zutphen is no valid choice
    assert DomainAgeBand.objects.filter(municipality=zutphen).count() == before


def test_the_admin_refuses_a_band_whose_upper_age_is_below_the_lower(client, make_user):
    lochem = MunicipalityFactory(name="Lochem")
    from accounts.demo import functional_admin_group

    staff = make_user(Role.STAFF, team=TeamFactory(municipality=lochem), is_staff=True)
    staff.groups.add(functional_admin_group())
    client.force_login(staff)
    response = client.post(
        reverse("admin:intake_domainageband_add"),
        {"municipality": lochem.pk, "domain": Domain.JUSTICE, "min_age": "18", "max_age": "12"},
    )
    assert response.status_code == 200
    assert "De hoogste leeftijd ligt onder de laagste." in response.content.decode()
    assert not DomainAgeBand.objects.filter(municipality=lochem).exists()


def test_a_municipality_without_bands_uses_the_defaults_and_a_domain_without_band_is_not_offered():
    municipality = MunicipalityFactory()
    assert len(selectors.domain_age_bands(municipality_id=municipality.pk)) == len(Domain)
    # A municipality on an older ZRM without "Justitie": delete its band, nobody gets it.
    services.domain_age_bands_ensure_defaults(actor=None, municipality=municipality)
    DomainAgeBand.objects.filter(municipality=municipality, domain=Domain.JUSTICE).delete()
    household = HouseholdFactory(municipality=municipality)
    members = list(household.members.select_related("person"))
    domains = selectors.domains_for(members=members, municipality_id=municipality.pk, on=timezone.localdate())
    assert Domain.JUSTICE not in domains[members[0].pk] and Domain.WORK in domains[members[0].pk]


def test_ensure_defaults_is_idempotent_and_audited():
    from audit.models import AuditEvent

    municipality = MunicipalityFactory()
    assert services.domain_age_bands_ensure_defaults(actor=None, municipality=municipality) == len(Domain)
    assert services.domain_age_bands_ensure_defaults(actor=None, municipality=municipality) == 0
    assert DomainAgeBand.objects.filter(municipality=municipality).count() == len(Domain)
    assert AuditEvent.objects.filter(action="domain_age_bands_default").count() == 1


def test_the_gesprek_form_costs_the_same_queries_for_few_and_many_members(client, team, regisseur):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, _teen, _parent = _case_with_teenager(team, regisseur)
    gesprek = services.gesprek_start(actor=regisseur, case=case)
    url = reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid})
    client.force_login(regisseur)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for age in (3, 8, 12, 16, 40):
        HouseholdMember.objects.create(
            household=case.household, person=PersonFactory(birth_date=_years_ago(age)), role=MemberRole.CHILD
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_saved_score_outside_the_band_survives_a_post_without_extra_domains(client, team, regisseur):
    case, teen, _parent = _case_with_teenager(team, regisseur)
    gesprek = services.gesprek_start(actor=regisseur, case=case)
    url = reverse("intake:gesprek_edit", kwargs={"uuid": gesprek.uuid})
    client.force_login(regisseur)
    draft = reverse("intake:gesprek_draft", kwargs={"uuid": gesprek.uuid})
    data = _form_data(gesprek, extra_domains=[f"{teen.pk}:justice"], **{f"score_{teen.pk}_justice": "2"})
    assert client.post(draft, data, HTTP_HX_REQUEST="true").status_code == 200
    gesprek.refresh_from_db()
    # A later post that only sends the score (no hidden extra_domains) still has the field.
    later = _form_data(gesprek, **{f"score_{teen.pk}_justice": "3"})
    assert client.post(url, later).status_code == 302
    assert list(gesprek.scores.values_list("domain", "score")) == [("justice", 3)]
