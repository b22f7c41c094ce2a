"""Case sub-forms over HTTP: member edit, network contact, consent, close, team-share
revoke; and the case page's query count does not grow with members or notes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from cases import permissions, services
from cases.constants import CaseStatus
from cases.models import Consent, HouseholdMember, NetworkContact
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(make_user, team):  # type: ignore[no-untyped-def]
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    return case, regisseur


def test_member_edit_updates_role_and_contact_details_with_an_audit_record(client, owned):
    case, regisseur = owned
    member = case.household.members.select_related("person").get()
    client.force_login(regisseur)
    url = reverse("cases:member_edit", args=[case.uuid, member.person.uuid])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "other", "phone": "0612345678", "email": "ouder@example.invalid"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:section", args=[case.uuid, "gezin"])
    member.refresh_from_db()
    member.person.refresh_from_db()
    assert member.role == "other"
    assert member.person.phone == "0612345678" and member.person.email == "ouder@example.invalid"
    assert AuditEvent.objects.filter(case_uuid=case.uuid, action__startswith="member_").exists()


def test_member_edit_of_a_person_outside_the_household_answers_404(client, owned):
    case, regisseur = owned
    stranger = PersonFactory()
    client.force_login(regisseur)
    url = reverse("cases:member_edit", args=[case.uuid, stranger.uuid])
    assert client.get(url).status_code == 404


def test_network_contact_add_saves_the_contact(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    response = client.post(
        reverse("cases:network_add", args=[case.uuid]),
        {"name": "Oma Jansen", "relation": "relative", "organisation": "", "phone": "", "email": "", "note": ""},
    )
    assert response.status_code == 302
    contact = NetworkContact.objects.get(household=case.household)
    assert contact.name == "Oma Jansen"


def test_network_contact_without_a_name_shows_a_dutch_error_and_saves_nothing(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    events = AuditEvent.objects.filter(kind="write").count()
    response = client.post(
        reverse("cases:network_add", args=[case.uuid]),
        {"name": "", "relation": "relative", "organisation": "", "phone": "", "email": "", "note": ""},
    )
    assert response.status_code == 200
    assert "Dit veld is vereist." in response.context["form"].errors["name"]
    assert "Dit veld is vereist." in response.content.decode()
    assert not NetworkContact.objects.exists()
    # Nothing written; the read of the case (the form page shows it) is logged, as on every case page.
    assert AuditEvent.objects.filter(kind="write").count() == events


def _consent_data(member_pk: int) -> dict:
    return {
        "member": member_pk,
        "purpose": "school",
        "organisation": "",
        "given": "1",
        "method": "verbal",
        "date": timezone.localdate().isoformat(),
    }


def test_consent_record_saves_the_consent_for_a_household_member(client, owned):
    case, regisseur = owned
    member = case.household.members.get()
    client.force_login(regisseur)
    response = client.post(reverse("cases:consent_add", args=[case.uuid]), _consent_data(member.pk))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.member == member and consent.given is True and consent.purpose == "school"


def test_consent_for_a_member_of_another_household_is_refused_and_saves_nothing(client, owned, make_user):
    case, regisseur = owned
    other_case = CaseFactory(team=TeamFactory(municipality=case.team.municipality))
    foreign_member = other_case.household.members.get()
    client.force_login(regisseur)
    response = client.post(reverse("cases:consent_add", args=[case.uuid]), _consent_data(foreign_member.pk))
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert "member" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_closing_a_case_needs_an_outcome(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    response = client.post(reverse("cases:close", args=[case.uuid]), {"outcome": "", "reason": ""})
    assert response.status_code == 200
    assert "Dit veld is vereist." in response.context["form"].errors["outcome"]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_closed_case_no_longer_offers_edit_and_refuses_it(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    response = client.post(reverse("cases:close", args=[case.uuid]), {"outcome": "goal_reached", "reason": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == "goal_reached"
    body = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert reverse("cases:edit", args=[case.uuid]) not in body
    assert reverse("cases:close", args=[case.uuid]) not in body
    assert client.get(reverse("cases:edit", args=[case.uuid])).status_code == 404
    response = client.post(
        reverse("cases:edit", args=[case.uuid]), {"household_name": "X", "household_address": "", "line": "eerste"}
    )
    assert response.status_code == 404
    case.household.refresh_from_db()
    assert case.household.name != "X"


def test_a_closed_case_is_read_only_and_closing_again_changes_nothing(client, owned):
    case, regisseur = owned
    person = case.household.members.get().person
    person.set_bsn("999990019")
    person.save()
    client.force_login(regisseur)
    client.post(reverse("cases:close", args=[case.uuid]), {"outcome": "goal_reached", "reason": ""})
    events = AuditEvent.objects.filter(case_uuid=case.uuid, kind="write").count()

    # No write page exists for a closed case (404, as for any action one may not take) ...
    for name, data in [
        ("cases:close", {"outcome": "moved", "reason": ""}),
        ("cases:edit", {"household_name": "X", "household_address": "", "line": "eerste"}),
        ("cases:notes", {"text": "nog iets"}),
        ("cases:member_add", {}),
        ("cases:network_add", {"name": "Buurman", "relation": "neighbour"}),
        ("cases:consent_add", {}),
    ]:
        assert client.post(reverse(name, args=[case.uuid]), data).status_code == 404, name
    # ... and the services refuse too.
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="al gesloten"):
        services.case_close(actor=regisseur, case=case, outcome="moved")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=regisseur, case=case, text="nog iets")
    assert case.outcome == "goal_reached"
    assert AuditEvent.objects.filter(case_uuid=case.uuid, kind="write").count() == events

    # Reading stays possible, and the regisseur still sees the BSN (write rights, not open state).
    page = client.get(reverse("cases:section", args=[case.uuid, "tijdlijn"])).content.decode()
    assert "Notitie toevoegen" not in page
    assert "U leest mee" in page
    page = client.get(reverse("cases:section", args=[case.uuid, "gezin"])).content.decode()
    assert "999990019" in page


def test_revoking_a_team_share_removes_access_for_that_team(client, owned, make_user):
    case, regisseur = owned
    shared_team = TeamFactory(municipality=case.team.municipality)
    member = make_user(Role.REGISSEUR, team=shared_team)
    services.case_share(actor=regisseur, case=case, team=shared_team, access="read")
    client.force_login(member)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 200

    client.force_login(regisseur)
    response = client.post(reverse("cases:unshare", args=[case.uuid]), {"kind": "team", "principal": shared_team.pk})
    assert response.status_code == 302
    assert not permissions.can_read(member, case)
    assert AuditEvent.objects.filter(case_uuid=case.uuid, action__contains="unshare").exists()
    client.force_login(member)
    assert client.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    assert case.number not in client.get(reverse("cases:list")).content.decode()


def test_revoking_a_team_share_that_does_not_exist_answers_404(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    response = client.post(reverse("cases:unshare", args=[case.uuid]), {"kind": "team", "principal": case.team.pk})
    assert response.status_code == 404


def _detail_queries(client, case, section: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cases:section", args=[case.uuid, section]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_members(case, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        HouseholdMember.objects.create(household=case.household, person=PersonFactory(), role="child")


def test_case_page_query_count_does_not_grow_with_members_and_notes(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    _add_members(case, 1)  # 2 members
    for i in range(2):
        services.note_add(actor=regisseur, case=case, text=f"Notitie {i}")
    services.consent_record(
        actor=regisseur,
        case=case,
        member=case.household.members.first(),
        purpose="school",
        organisation=None,
        given=True,
        method="verbal",
        date=timezone.localdate(),
    )
    sections = ("overzicht", "gezin", "tijdlijn", "toegang")
    few = {s: _detail_queries(client, case, s) for s in sections}

    _add_members(case, 4)  # 6 members
    for i in range(18):  # 20 notes
        services.note_add(actor=regisseur, case=case, text=f"Notitie extra {i}")
    response = client.get(reverse("cases:section", args=[case.uuid, "gezin"]))
    assert len(response.context["members"]) == 6
    response = client.get(reverse("cases:section", args=[case.uuid, "tijdlijn"]))
    assert sum(1 for item in response.context["timeline"] if item.kind == "note") == 20
    assert {s: _detail_queries(client, case, s) for s in sections} == few
