"""The case screens over HTTP: audit of reads and writes, bad input, constant queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent, EventKind
from cases import services
from cases.models import Case, Household, HouseholdMember, Person
from tests.accounts.factories import MembershipFactory
from tests.cases.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

VALID_BSN = "111222333"


def _open_data(team, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "household_name": "Gezin Test",
        "household_address": "Dorpsstraat 1, Lochem",
        "first_name": "Chantal",
        "last_name": "Test",
        "birth_date": "1990-03-01",
        "bsn": "",
        "role": "parent",
        "team": team.pk,
        "line": "tweede",
        "regisseur": "",
    }
    data.update(overrides)
    return data


def _counts() -> tuple[int, int, int, int]:
    return Case.objects.count(), Household.objects.count(), Person.objects.count(), HouseholdMember.objects.count()


def test_reading_a_case_page_writes_exactly_one_access_record(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    before = AuditEvent.objects.filter(kind=EventKind.READ).count()
    response = client.get(reverse("cases:detail", args=[case.uuid]))
    assert response.status_code == 200
    reads = AuditEvent.objects.filter(kind=EventKind.READ)
    assert reads.count() == before + 1
    event = reads.first()
    assert event.actor == regisseur
    assert event.case_uuid == case.uuid
    assert event.view == "cases:detail"
    assert event.purpose


def test_case_page_masks_bsn_for_read_only_colleague_and_shows_it_to_writer(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    reader = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    services.member_add_to_case(
        actor=regisseur,
        case=case,
        first_name="Myra",
        last_name="T",
        birth_date=datetime.date(2012, 1, 1),
        role="child",
        bsn=VALID_BSN,
    )
    services.case_share(actor=regisseur, case=case, user=reader, access="read")
    client.force_login(reader)
    body = client.get(reverse("cases:section", args=[case.uuid, "gezin"])).content.decode()
    assert VALID_BSN not in body and "*****2333" in body
    assert (
        reverse("cases:edit", args=[case.uuid])
        not in client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    )
    client.force_login(regisseur)
    body = client.get(reverse("cases:section", args=[case.uuid, "gezin"])).content.decode()
    assert VALID_BSN in body


def test_editing_a_case_writes_a_change_record_with_before_and_after(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    response = client.post(
        reverse("cases:edit", args=[case.uuid]),
        {"household_name": "Gezin Nieuw", "household_address": "Markt 2", "line": "eerste"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.line == "eerste" and case.household.name == "Gezin Nieuw"
    event = AuditEvent.objects.filter(case_uuid=case.uuid, action="case_update").get()
    assert event.actor == regisseur
    assert event.changes["line"] == ["tweede", "eerste"]
    assert "name" in event.changes  # that it changed, not the personal data itself
    assert "Gezin Nieuw" not in str(event.changes)


def test_opening_a_case_creates_household_member_and_case_with_actor_as_regisseur(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    client.force_login(regisseur)
    response = client.post(reverse("cases:new"), _open_data(team, bsn=VALID_BSN))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.uuid])
    assert case.regisseur == regisseur and case.team == team
    assert case.household.members.get().person.bsn == VALID_BSN


def test_new_case_page_offers_only_teams_the_user_may_open_cases_for(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    other = make_user(Role.EXPERT).memberships.get().team  # the regisseur is expert there: no opening
    MembershipFactory(user=regisseur, team=other, role=Role.EXPERT)
    client.force_login(regisseur)
    response = client.get(reverse("cases:new"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["team"].queryset) == [team]


def test_new_case_page_is_404_for_a_user_who_may_open_no_case(client, make_user, team):
    client.force_login(make_user(Role.EXPERT, team=team))
    assert client.get(reverse("cases:new")).status_code == 404
    assert client.post(reverse("cases:new"), _open_data(team)).status_code == 404
    assert Case.objects.count() == 0


def test_opening_a_case_with_a_known_bsn_links_the_existing_person(client, make_user, team):
    # Known = a person the regisseur may read: a member of their own earlier (closed) case.
    regisseur = make_user(Role.REGISSEUR, team=team)
    earlier = CaseFactory(team=team, regisseur=regisseur, closed=True)
    person = PersonFactory(bsn=VALID_BSN, first_name="Bekend", municipality=team.municipality)
    HouseholdMember.objects.create(household=earlier.household, person=person, role="parent")
    persons_before = Person.objects.count()
    client.force_login(regisseur)
    client.post(reverse("cases:new"), _open_data(team, bsn=VALID_BSN, first_name="Anders"))
    assert Person.objects.count() == persons_before
    assert Case.objects.open().get().household.members.get().person == person


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"bsn": "123456789"}, "bsn", "Dit is geen geldig BSN (de elfproef klopt niet)."),
        ({"birth_date": "2999-01-01"}, "birth_date", "De geboortedatum ligt in de toekomst."),
        ({"household_name": ""}, "household_name", "Dit veld is vereist."),
        ({"first_name": "", "last_name": ""}, "first_name", "Dit veld is vereist."),
    ],
)
def test_bad_input_on_open_case_shows_dutch_errors_and_saves_nothing(
    client, make_user, team, overrides, field, message
):
    regisseur = make_user(Role.REGISSEUR, team=team)
    client.force_login(regisseur)
    before = _counts()
    response = client.post(reverse("cases:new"), _open_data(team, **overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert _counts() == before


def test_second_open_case_for_the_same_household_is_refused_and_saves_nothing(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    client.force_login(regisseur)
    client.post(reverse("cases:new"), _open_data(team, bsn=VALID_BSN))
    before = _counts()
    events = AuditEvent.objects.count()
    response = client.post(reverse("cases:new"), _open_data(team, bsn=VALID_BSN, household_name="Gezin Dubbel"))
    assert response.status_code == 200
    assert "Voor deze persoon loopt al een open dossier" in response.content.decode()
    assert _counts() == before
    assert AuditEvent.objects.count() == events


def test_member_with_birth_date_in_the_future_is_refused(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = _counts()
    response = client.post(
        reverse("cases:member_add", args=[case.uuid]),
        {"first_name": "A", "last_name": "B", "birth_date": tomorrow.isoformat(), "role": "child", "bsn": ""},
    )
    assert response.status_code == 200
    assert "De geboortedatum ligt in de toekomst." in response.content.decode()
    assert _counts() == before


def test_note_added_through_htmx_returns_the_timeline_with_the_note(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    response = client.post(
        reverse("cases:notes", args=[case.uuid]), {"text": "Huisbezoek gepland"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="timeline"' in body and "Huisbezoek gepland" in body and "<html" not in body
    assert case.notes.get().author == regisseur


def test_case_list_filters_and_htmx_returns_only_the_table(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    c1 = CaseFactory(team=team, regisseur=regisseur)
    c2 = CaseFactory(team=team, regisseur=regisseur)
    services.case_close(actor=regisseur, case=c2, outcome="goal_reached")
    client.force_login(regisseur)
    response = client.post(reverse("cases:list"), {"status": "closed"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert c2.number in body and c1.number not in body and "<html" not in body
    client.post(reverse("cases:list"), {"q": c1.household.name})
    response = client.get(reverse("cases:list"))
    assert [c.pk for c in response.context["page"].object_list] == [c1.pk]
    assert "<html" in response.content.decode()


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_list_query_count_does_not_grow_with_rows(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    client.force_login(regisseur)
    for _ in range(5):
        CaseFactory(team=team, regisseur=regisseur)
    few = _queries(client, reverse("cases:list"))
    for _ in range(45):
        CaseFactory(team=team, regisseur=regisseur)
    assert _queries(client, reverse("cases:list")) == few


def test_team_overview_query_count_does_not_grow_with_rows(client, make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    regisseurs = [make_user(Role.REGISSEUR, team=team) for _ in range(2)]
    client.force_login(leader)
    for i in range(5):
        CaseFactory(team=team, regisseur=regisseurs[i % 2])
    few = _queries(client, reverse("cases:team"))
    for i in range(45):
        CaseFactory(team=team, regisseur=regisseurs[i % 2])
    response = client.get(reverse("cases:team"))
    assert sorted(row["n"] for row in response.context["counts"]) == [24, 26]
    assert _queries(client, reverse("cases:team")) == few


def test_access_log_query_count_does_not_grow_with_rows(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    url = reverse("cases:access_log", args=[case.uuid])
    for _ in range(5):
        client.get(reverse("cases:detail", args=[case.uuid]))
    few = _queries(client, url)
    for _ in range(45):
        client.get(reverse("cases:detail", args=[case.uuid]))
    assert _queries(client, url) == few
    body = client.get(url).content.decode()
    # The screen and the kind of record by their Dutch names, never the codes.
    assert "Dossierpagina" in body and "Dossier</td>" in body
    assert "cases:detail" not in body and "cases.case" not in body


@pytest.mark.django_db
def test_timeline_and_access_log_show_dutch_action_labels(client):
    from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory

    team = TeamFactory()
    regisseur = UserFactory()
    MembershipFactory(user=regisseur, team=team, role=Role.REGISSEUR)
    case = CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    page = client.get(f"/dossiers/{case.uuid}/tijdlijn/").content.decode()
    assert "Dossier geopend" in page and ">case_open<" not in page
    log = client.get(f"/dossiers/{case.uuid}/logboek/").content.decode()
    assert "Dossier geopend" in log and "Ingezien" in log


def test_case_list_pages_beyond_the_end_show_the_last_page_and_the_total(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    for _ in range(27):
        CaseFactory(team=team, regisseur=regisseur)
    client.force_login(regisseur)
    response = client.get(reverse("cases:list"), {"pagina": "99"})
    page = response.context["page"]
    assert page.number == 2 and len(page.object_list) == 2
    assert "27 dossiers" in response.content.decode()
    first = client.get(reverse("cases:list"), {"pagina": "niet-een-getal"}).context["page"]
    assert first.number == 1 and len(first.object_list) == 25
    assert not {c.pk for c in first.object_list} & {c.pk for c in page.object_list}
