"""Issue 9, holes 1, 2, 3 and 8 on the intake side: the signal form's person lookup stays
inside the municipality, tells a stranger nothing but the logged Verwijsindex contact line,
normalises Unicode BSNs, and signals are for casework roles only."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Notification
from audit.models import AuditEvent
from cases import services as case_services
from cases.constants import MemberRole
from cases.models import HouseholdMember, Person
from intake import services
from intake.constants import SignalSource
from intake.models import Signal
from tests.accounts.factories import MunicipalityFactory, TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Valid BSNs that end in the same four digits, so their masks ("*****4444") are identical.
BSN_UNKNOWN, BSN_CLOSED, BSN_OPEN = "100054444", "100164444", "100274444"
STORED_FIRST, STORED_LAST = "Gerritdina", "Stoffelsen"
TYPED = {"p1-first_name": "Dina", "p1-last_name": "Stoffels", "p1-birth_date": "1988-04-01"}


def _signal_post(team, bsn: str, **person) -> dict:  # type: ignore[no-untyped-def]
    return {
        "team": team.pk,
        "source": SignalSource.SCHOOL,
        "question": "Kind komt vaak te laat op school.",
        "reporter_name": "",
        "reporter_contact": "",
        "received_on": timezone.localdate().isoformat(),
        "p1-bsn": bsn,
        **person,
    }


def _person_in_case(team, bsn: str, *, closed: bool = False, regisseur=None):  # type: ignore[no-untyped-def]
    household = HouseholdFactory(municipality=team.municipality)
    person = PersonFactory(
        municipality=team.municipality,
        bsn=bsn,
        first_name=STORED_FIRST,
        last_name=STORED_LAST,
        birth_date=datetime.date(1988, 4, 1),
    )
    HouseholdMember.objects.create(household=household, person=person, role=MemberRole.PARENT)
    case = CaseFactory(team=team, household=household, regisseur=regisseur, closed=closed)
    return person, case


@pytest.fixture
def two_municipalities(make_user):  # type: ignore[no-untyped-def]
    lochem = TeamFactory(municipality=MunicipalityFactory(name="Lochem-privacy"))
    zutphen = TeamFactory(municipality=MunicipalityFactory(name="Zutphen-privacy"))
    lochem_regisseur = make_user(Role.REGISSEUR, team=lochem, email="regisseur@lochem.invalid")
    zutphen_regisseur = make_user(Role.REGISSEUR, team=zutphen)
    person, case = _person_in_case(lochem, BSN_OPEN, regisseur=lochem_regisseur)
    return {
        "lochem": lochem,
        "zutphen": zutphen,
        "person": person,
        "case": case,
        "zutphen_regisseur": zutphen_regisseur,
    }


# --- hole 1: nothing crosses municipalities --------------------------------------------


def test_hole1_bsn_lookup_never_crosses_municipalities_signal_form(client, two_municipalities):
    w = two_municipalities
    client.force_login(w["zutphen_regisseur"])

    # A BSN alone: Lochem's stored name and birth date are not prefilled; it is unknown here.
    response = client.post(reverse("intake:signal_new"), _signal_post(w["zutphen"], BSN_OPEN))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vul voor een nieuwe persoon de naam en de geboortedatum in." in body
    assert STORED_FIRST not in body and STORED_LAST not in body
    assert not Signal.objects.exists()

    # With a name: a new Zutphen person, the signal stays unlinked, Lochem's case untouched.
    response = client.post(reverse("intake:signal_new"), _signal_post(w["zutphen"], BSN_OPEN, **TYPED), follow=True)
    body = response.content.decode()
    signal = Signal.objects.get()
    assert signal.case is None
    assert "Betrokken regisseur" not in body and STORED_LAST not in body
    reported = signal.persons.get()
    assert reported != w["person"] and reported.municipality == w["zutphen"].municipality
    assert reported.bsn_index is not None  # findable in Zutphen: nobody there holds this BSN


def test_hole1_notification_and_log_never_cross_municipalities(client, two_municipalities):
    w = two_municipalities
    client.force_login(w["zutphen_regisseur"])
    client.post(reverse("intake:signal_new"), _signal_post(w["zutphen"], BSN_OPEN, **TYPED))
    assert Signal.objects.filter(team=w["zutphen"]).count() == 1
    assert not Notification.objects.filter(recipient=w["case"].regisseur).exists()
    assert not AuditEvent.objects.filter(case_uuid=w["case"].uuid, actor=w["zutphen_regisseur"]).exists()


def test_hole1_triage_links_only_households_of_the_signals_municipality(two_municipalities, make_user):
    w = two_municipalities
    # A legacy signal that (before the fix) linked the Lochem person into a Zutphen signal.
    signal = Signal.objects.create(team=w["zutphen"], source="school", question="?", created_by=w["zutphen_regisseur"])
    signal.persons.set([w["person"]])
    services.signal_triage(
        actor=w["zutphen_regisseur"],
        signal=signal,
        route="case",
        regisseur=w["zutphen_regisseur"],
        gesprek_planned_on=timezone.localdate(),
    )
    signal.refresh_from_db()
    assert signal.case != w["case"]
    assert signal.case.team == w["zutphen"]
    assert signal.case.household.municipality == w["zutphen"].municipality
    assert not Notification.objects.filter(recipient=w["case"].regisseur).exists()


# --- hole 2: the Verwijsindex answer inside a municipality ------------------------------


@pytest.fixture
def stranger_world(make_user):  # type: ignore[no-untyped-def]
    municipality = MunicipalityFactory(name="Lochem-verwijsindex")
    own_team = TeamFactory(municipality=municipality)
    other_team = TeamFactory(municipality=municipality)
    stranger = make_user(Role.REGISSEUR, team=own_team, first_name="Sanne", last_name="Vreemd")
    holder = make_user(Role.REGISSEUR, team=other_team, first_name="Rik", last_name="Regie", email="rik@lochem.invalid")
    _closed_person, closed_case = _person_in_case(other_team, BSN_CLOSED, closed=True, regisseur=holder)
    _open_person, open_case = _person_in_case(other_team, BSN_OPEN, regisseur=holder)
    return {"team": own_team, "stranger": stranger, "holder": holder, "closed": closed_case, "open": open_case}


CONTACT_LINE = re.compile(r"Betrokken regisseur: [^<]*gelogd\.")


def _normalised(body: str) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    # The contact line is a message of its own: drop it with its element and indentation.
    body = re.sub(r'\s*<p class="utrecht-alert utrecht-alert--info">' + CONTACT_LINE.pattern + "</p>", "", body)
    assert not CONTACT_LINE.search(body)
    return body


def test_hole2_stranger_gets_identical_answers_apart_from_the_logged_contact_line(client, stranger_world):
    w = stranger_world
    client.force_login(w["stranger"])
    bodies, lines = {}, {}
    for label, bsn in (("unknown", BSN_UNKNOWN), ("closed", BSN_CLOSED), ("open", BSN_OPEN)):
        response = client.post(reverse("intake:signal_new"), _signal_post(w["team"], bsn, **TYPED), follow=True)
        assert response.status_code == 200
        body = response.content.decode()
        lines[label] = CONTACT_LINE.findall(body)
        # The page shows the signal's own uuid nowhere but in links; drop it too.
        signal = Signal.objects.latest("created_at")
        bodies[label] = _normalised(body.replace(str(signal.uuid), "UUID"))
        assert STORED_FIRST not in body and STORED_LAST not in body  # nothing stored is shown
        assert signal.case is None  # never attached to a case the stranger may not read
        assert [p.first_name for p in signal.persons.all()] == ["Dina"]  # what was typed

    assert bodies["unknown"] == bodies["closed"] == bodies["open"]
    assert lines["unknown"] == [] and lines["closed"] == []
    assert lines["open"] == [
        "Betrokken regisseur: Rik Regie, "
        f"{w['open'].team.name} (rik@lochem.invalid). Neem zo nodig contact op; deze verwijzing is gelogd."
    ]
    # The match is in the access log of the matched case, and only there.
    match = AuditEvent.objects.get(action="verwijsindex_match")
    assert match.case_uuid == w["open"].uuid and match.actor == w["stranger"]
    assert not AuditEvent.objects.filter(case_uuid=w["closed"].uuid, actor=w["stranger"]).exists()
    # The regisseur learns who to contact, and nothing of the signal's content.
    note = Notification.objects.get(recipient=w["holder"])
    assert "Sanne Vreemd" in note.text and w["open"].number in note.text and "school" not in note.text.lower()
    assert note.link == reverse("cases:detail", args=[w["open"].uuid])
    # The registry keeps one findable person per BSN: the stranger's records are unindexed.
    assert Person.objects.filter(first_name="Dina", bsn_index__isnull=True).count() == 2
    assert Person.objects.filter(first_name="Dina", bsn_index__isnull=False).count() == 1  # the unknown BSN


def test_hole2_bsn_only_answers_are_identical_for_unknown_closed_and_open(client, stranger_world):
    w = stranger_world
    client.force_login(w["stranger"])
    bodies = set()
    for bsn in (BSN_UNKNOWN, BSN_CLOSED, BSN_OPEN):
        response = client.post(reverse("intake:signal_new"), _signal_post(w["team"], bsn))
        assert response.status_code == 200
        bodies.add(_normalised(response.content.decode().replace(f'value="{bsn}"', 'value="BSN"')))
    assert len(bodies) == 1
    assert "Vul voor een nieuwe persoon de naam en de geboortedatum in." in bodies.pop()
    assert not Signal.objects.exists()
    assert not AuditEvent.objects.filter(action="verwijsindex_match").exists()  # rolled back, never shown


def test_hole2_a_reader_of_the_case_is_prefilled_and_attached(client, stranger_world):
    w = stranger_world
    case_services.case_share(actor=w["holder"], case=w["open"], user=w["stranger"], access="read")
    client.force_login(w["stranger"])
    response = client.post(reverse("intake:signal_new"), _signal_post(w["team"], BSN_OPEN), follow=True)
    body = response.content.decode()
    signal = Signal.objects.get()
    assert signal.case == w["open"]
    assert "De aanmelding is gekoppeld aan het bestaande dossier." in body
    assert STORED_LAST in body  # readable, so "ask once": the stored person is reused
    assert not AuditEvent.objects.filter(action="verwijsindex_match").exists()


def test_hole2_name_and_birth_date_match_is_no_oracle_either(stranger_world):
    w = stranger_world
    contacts: list = []
    signal = services.signal_create(
        actor=w["stranger"],
        team=w["team"],
        source=SignalSource.SCHOOL,
        question="?",
        persons=[
            services.PersonInput(first_name=STORED_FIRST, last_name=STORED_LAST, birth_date=datetime.date(1988, 4, 1))
        ],
        contacts=contacts,
    )
    assert signal.case is None
    assert {p.pk for p in signal.persons.all()}.isdisjoint(HouseholdMember.objects.values_list("person_id", flat=True))
    assert [c.name for c in contacts] == ["Rik Regie"]  # the open case's regisseur (the closed one is no match)


# --- hole 3: Unicode BSNs are one BSN ---------------------------------------------------


def test_hole3_full_width_bsn_finds_the_same_person_on_the_signal_form(client, stranger_world):
    w = stranger_world
    case_services.case_share(actor=w["holder"], case=w["open"], user=w["stranger"], access="read")
    person = w["open"].household.members.get(person__last_name=STORED_LAST).person
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in BSN_OPEN)  # full-width digits U+FF10..U+FF19
    client.force_login(w["stranger"])
    response = client.post(reverse("intake:signal_new"), _signal_post(w["team"], full_width))
    assert response.status_code == 302
    assert list(Signal.objects.get().persons.all()) == [person]
    assert Person.objects.filter(last_name=STORED_LAST).count() == 2  # the closed-case person and this one


# --- hole 8: signals are for casework roles only ----------------------------------------


@pytest.mark.parametrize("role", [Role.CONTROLLER, Role.STAFF])
def test_hole8_non_casework_team_members_get_404_on_signals_and_no_menu_entry(client, make_user, role):
    team = TeamFactory()
    regisseur = make_user(Role.REGISSEUR, team=team)
    signal = services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.SCHOOL,
        question="Zorg om een kind.",
        persons=[services.PersonInput(first_name="Myra", last_name="Kind", birth_date=datetime.date(2016, 9, 2))],
    )
    other = make_user(role, team=team, is_staff=role == Role.STAFF)
    client.force_login(other)
    assert client.get(reverse("intake:inbox")).status_code == 404
    assert client.get(reverse("intake:signal_detail", args=[signal.uuid])).status_code == 404
    assert client.get(reverse("intake:signal_new")).status_code == 404
    assert client.post(reverse("intake:signal_new"), _signal_post(team, "", **TYPED)).status_code == 404
    assert Signal.objects.count() == 1
    home = client.get(reverse("home")).content.decode()
    assert reverse("intake:inbox") not in home
    with pytest.raises(PermissionDenied):
        services.signal_create(
            actor=other,
            team=team,
            source=SignalSource.SCHOOL,
            question="?",
            persons=[services.PersonInput(first_name="A", last_name="B", birth_date=datetime.date(1990, 1, 1))],
        )


def test_hole8_a_controller_of_one_team_who_is_regisseur_elsewhere_sees_only_the_other_teams_signals(client, make_user):
    team = TeamFactory()
    elsewhere = TeamFactory(municipality=team.municipality)
    regisseur = make_user(Role.REGISSEUR, team=team)
    signal = services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.SCHOOL,
        question="Zorg om een kind.",
        persons=[services.PersonInput(first_name="Myra", last_name="Kind", birth_date=datetime.date(2016, 9, 2))],
    )
    both = make_user(Role.CONTROLLER, team=team)
    from accounts.services import membership_add

    membership_add(user=both, team=elsewhere, role=Role.REGISSEUR)
    client.force_login(both)
    inbox = client.get(reverse("intake:inbox"))
    assert inbox.status_code == 200 and "Myra" not in inbox.content.decode()
    assert client.get(reverse("intake:signal_detail", args=[signal.uuid])).status_code == 404
    form = client.get(reverse("intake:signal_new")).content.decode()
    assert team.name not in form and elsewhere.name in form


def test_hole8_experts_are_casework_and_see_their_teams_signals(client, make_user):
    team = TeamFactory(expertise=True)
    expert = make_user(Role.EXPERT, team=team)
    client.force_login(expert)
    assert client.get(reverse("intake:inbox")).status_code == 200
    assert reverse("intake:inbox") in client.get(reverse("home")).content.decode()


def test_hole2_a_strangers_signal_reaches_the_households_open_case_at_triage(client, stranger_world, make_user):
    w = stranger_world
    client.force_login(w["stranger"])
    client.post(reverse("intake:signal_new"), _signal_post(w["team"], BSN_OPEN, **TYPED))
    signal = Signal.objects.get()
    assert signal.case is None
    response = client.post(
        reverse("intake:signal_detail", args=[signal.uuid]),
        {"route": "safety", "regisseur": w["stranger"].pk, "advice_outcome": "", "note": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("intake:inbox")
    body = response.content.decode()
    assert "Betrokken regisseur: Rik Regie" in body and STORED_LAST not in body and w["open"].number not in body
    signal.refresh_from_db()
    w["open"].refresh_from_db()
    assert signal.case == w["open"] and w["open"].safety_flag  # one household, one case; safety first
    assert AuditEvent.objects.filter(action="verwijsindex_match", case_uuid=w["open"].uuid).count() == 2
    assert client.get(reverse("intake:signal_detail", args=[signal.uuid])).status_code == 404
