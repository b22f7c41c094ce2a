"""Consent over time: withdrawn and given again per member x organisation x purpose; the state
in force is what `consent_in_force` (every check) reads; the history stays on the case."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from cases import selectors, services
from cases.constants import Access, ConsentPurpose
from cases.models import Consent
from tests.accounts.factories import OrganisationFactory, TeamFactory
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(make_user):  # type: ignore[no-untyped-def]
    team = TeamFactory()
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    member = case.household.members.select_related("person").first()
    berkel = OrganisationFactory(name="Zorgaanbieder De Berkel")
    school = OrganisationFactory(name="Basisschool De Wegwijzer")
    for org in (berkel, school):
        org.municipalities.add(team.municipality)
    return team, regisseur, case, member, berkel, school


def _give(regisseur, case, member, org, purpose=ConsentPurpose.PARTNER, date=None):  # type: ignore[no-untyped-def]
    return services.consent_record(
        actor=regisseur,
        case=case,
        member=member,
        purpose=purpose,
        organisation=org,
        given=True,
        method="written",
        date=date or timezone.localdate() - dt.timedelta(days=10),
    )


def _in_force(member, org, purpose=ConsentPurpose.PARTNER):  # type: ignore[no-untyped-def]
    return selectors.consent_in_force(member_ids=[member.pk], organisation_id=org.pk, purpose=purpose)


def test_withdraw_and_give_again_change_what_every_check_reads(setting):
    _team, regisseur, case, member, berkel, school = setting
    first = _give(regisseur, case, member, berkel)
    _give(regisseur, case, member, school, purpose=ConsentPurpose.SCHOOL)
    assert _in_force(member, berkel) == {member.pk}

    withdrawn = services.consent_change(
        actor=regisseur, case=case, current=first, given=False, method="verbal", date=timezone.localdate()
    )
    assert _in_force(member, berkel) == set()
    # the other organisation and purpose are untouched
    assert _in_force(member, school, ConsentPurpose.SCHOOL) == {member.pk}

    services.consent_change(
        actor=regisseur, case=case, current=withdrawn, given=True, method="written", date=timezone.localdate()
    )
    assert _in_force(member, berkel) == {member.pk}
    actions = list(
        AuditEvent.objects.filter(case_uuid=case.uuid, action__startswith="consent_").values_list("action", flat=True)
    )
    assert sorted(actions) == ["consent_record", "consent_record", "consent_regive", "consent_withdraw"]

    states = selectors.case_consent_states(case=case)
    berkel_state = next(s for s in states if s.current.organisation_id == berkel.pk)
    assert berkel_state.given and [c.given for c in berkel_state.history] == [True, False, True]
    assert Consent.objects.count() == 4  # nothing overwritten


def test_a_stale_change_is_refused_so_no_update_is_lost(setting):
    _team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    services.consent_change(
        actor=regisseur, case=case, current=first, given=False, method="verbal", date=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="intussen gewijzigd"):
        services.consent_change(
            actor=regisseur, case=case, current=first, given=False, method="verbal", date=timezone.localdate()
        )
    assert Consent.objects.count() == 2


def test_a_date_before_the_state_in_force_is_refused(setting):
    _team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    with pytest.raises(ValidationError, match="vóór de huidige stand"):
        services.consent_change(
            actor=regisseur,
            case=case,
            current=first,
            given=False,
            method="verbal",
            date=first.date - dt.timedelta(days=1),
        )
    assert _in_force(member, berkel) == {member.pk}


def test_a_reader_may_not_change_consent(setting, make_user):
    team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    reader = make_user(Role.REGISSEUR, team=team)
    services.case_share(actor=regisseur, case=case, access=Access.READ, user=reader)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.consent_change(
            actor=reader, case=case, current=first, given=False, method="verbal", date=timezone.localdate()
        )


def test_the_gezin_tab_shows_the_state_the_actions_and_the_history(client, setting):
    _team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    client.force_login(regisseur)
    tab = reverse("cases:section", args=[case.uuid, "gezin"])
    page = client.get(tab).content.decode()
    change_url = reverse("cases:consent_change", args=[case.uuid, first.uuid])
    assert change_url in page and "Intrekken" in page
    assert "Geschiedenis van de toestemmingen" in page

    form = client.get(change_url).content.decode()
    assert "Toestemming intrekken" in form and "Zorgaanbieder De Berkel" in form
    token = form.split('name="form_token" value="')[1].split('"')[0]
    data = {"method": "verbal", "date": timezone.localdate().isoformat(), "form_token": token}
    response = client.post(change_url, data)
    assert response.status_code == 302 and response["Location"] == tab
    assert _in_force(member, berkel) == set()
    # a double submit saves once
    again = client.post(change_url, data)
    assert again.status_code == 302
    assert Consent.objects.filter(given=False).count() == 1

    page = client.get(tab).content.decode()
    assert "Opnieuw geven" in page and "Ingetrokken" in page


def test_bad_input_on_the_change_form_gives_a_dutch_error_and_saves_nothing(client, setting):
    _team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    client.force_login(regisseur)
    change_url = reverse("cases:consent_change", args=[case.uuid, first.uuid])
    token = client.get(change_url).content.decode().split('name="form_token" value="')[1].split('"')[0]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(change_url, {"method": "verbal", "date": future, "form_token": token})
    assert response.status_code == 200
    assert "De datum ligt in de toekomst." in response.content.decode()
    response = client.post(change_url, {"method": "fax", "date": "gisteren", "form_token": token})
    assert response.status_code == 200
    assert Consent.objects.count() == 1


def test_the_change_page_is_404_for_a_reader_a_stranger_and_another_cases_consent(client, setting, make_user):
    team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    reader = make_user(Role.REGISSEUR, team=team)
    services.case_share(actor=regisseur, case=case, access=Access.READ, user=reader)
    stranger = make_user(Role.REGISSEUR, team=TeamFactory())
    url = reverse("cases:consent_change", args=[case.uuid, first.uuid])
    for user in (reader, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 404
    other = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    assert client.get(reverse("cases:consent_change", args=[other.uuid, first.uuid])).status_code == 404


def test_the_gezin_tab_reads_consent_states_in_constant_queries(client, setting, django_assert_max_num_queries):
    _team, regisseur, case, member, berkel, school = setting
    _give(regisseur, case, member, berkel)
    client.force_login(regisseur)
    tab = reverse("cases:section", args=[case.uuid, "gezin"])
    client.get(tab)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(tab)
    for org in (berkel, school):
        for purpose in ConsentPurpose.values:
            _give(regisseur, case, member, org, purpose=purpose)
    with django_assert_max_num_queries(len(few)):
        client.get(tab)


def test_an_old_record_sends_the_user_to_the_state_in_force(client, setting):
    _team, regisseur, case, member, berkel, _school = setting
    first = _give(regisseur, case, member, berkel)
    services.consent_change(
        actor=regisseur, case=case, current=first, given=False, method="verbal", date=timezone.localdate()
    )
    client.force_login(regisseur)
    response = client.get(reverse("cases:consent_change", args=[case.uuid, first.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:section", args=[case.uuid, "gezin"])
