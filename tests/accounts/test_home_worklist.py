"""The home page is a worklist per role, built only from the registry (issue 10, item 1)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.services import notification_send
from cases import services as case_services
from intake import services as intake_services
from intake.constants import GesprekStatus, SignalSource, SignalStatus, TriageRoute
from intake.models import Gesprek, Signal
from socialdomain import registry
from socialdomain.registry import WorklistRow
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _block(html: str, key: str) -> str:
    """The HTML of one worklist item (section marked with data-worklist="<key>")."""
    match = re.search(rf'<section[^>]*data-worklist="{re.escape(key)}".*?</section>', html, re.S)
    assert match, f"worklist item {key} not on the page"
    return match.group(0)


def _signal(team, actor, *, days_ago: int = 1, **kwargs) -> Signal:  # type: ignore[no-untyped-def]
    return Signal.objects.create(
        team=team,
        source=SignalSource.SCHOOL,
        question="Zorg over het kind",
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        created_by=actor,
        **kwargs,
    )


def _fill(team, regisseur, colleague, n: int) -> None:  # type: ignore[no-untyped-def]
    """n rows for every regisseur and team-leader item."""
    today = timezone.localdate()
    for i in range(n):
        _signal(team, regisseur, days_ago=i + 1)
        own = CaseFactory(team=team, regisseur=regisseur)
        type(own).objects.filter(pk=own.pk).update(safety_flag=True)
        _signal(
            team, regisseur, case=own, status=SignalStatus.WAITING, route=TriageRoute.CASE, gesprek_planned_on=today
        )
        Gesprek.objects.create(case=own, created_by=regisseur, updated_by=regisseur, status=GesprekStatus.DRAFT)
        theirs = CaseFactory(team=team, regisseur=colleague)
        case_services.case_share(actor=colleague, case=theirs, user=regisseur, access="write" if i % 2 else "read")
        notification_send(recipient=regisseur, text=f"Melding {i}")


def _queries(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_regisseur_worklist_shows_signals_gesprekken_drafts_shares_and_notifications(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    _fill(team, regisseur, colleague, 1)
    client.force_login(regisseur)
    html = client.get(reverse("home")).content.decode()
    signal = Signal.objects.get(case__isnull=True)
    assert reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}) in _block(html, "intake.new_signals")
    own = Signal.objects.get(status=SignalStatus.WAITING).case
    week = _block(html, "intake.gesprekken_this_week")
    assert own.number in week and reverse("cases:section", args=[own.uuid, "gesprekken"]) in week
    draft = Gesprek.objects.get()
    assert reverse("intake:gesprek_edit", kwargs={"uuid": draft.uuid}) in _block(html, "intake.my_drafts")
    shared = _block(html, "cases.shared_with_me")
    theirs = own.__class__.objects.get(regisseur=colleague)
    assert reverse("cases:detail", args=[theirs.uuid]) in shared and "Meelezen" in shared
    notes = _block(html, "accounts.notifications")
    assert "Melding 0" in notes
    # The share itself notified the regisseur, with a link to the case that now opens.
    assert f"Dossier {theirs.number} is met u gedeeld" in notes
    assert client.get(reverse("cases:detail", args=[theirs.uuid])).status_code == 200
    # Not a team leader's items.
    assert 'data-worklist="cases.safety"' not in html


def test_team_leader_worklist_shows_unassigned_signals_caseload_and_safety_cases(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team, first_name="Anne", last_name="de Vries")
    leader = make_user(Role.TEAMLEIDER, team=team)
    _fill(team, regisseur, make_user(Role.REGISSEUR, team=team), 1)
    client.force_login(leader)
    html = client.get(reverse("home")).content.decode()
    signal = Signal.objects.get(case__isnull=True)
    assert reverse("intake:signal_detail", kwargs={"uuid": signal.uuid}) in _block(html, "intake.team_signals")
    caseload = _block(html, "cases.caseload")
    assert "Anne de Vries" in caseload and "1 open dossier" in caseload and reverse("cases:team") in caseload
    safety = _block(html, "cases.safety")
    flagged = Signal.objects.get(status=SignalStatus.WAITING).case
    assert reverse("cases:detail", args=[flagged.uuid]) in safety
    assert 'data-worklist="intake.my_drafts"' not in html


def test_expert_and_controller_see_their_places_and_what_will_come(client, make_user, team):
    expert = make_user(Role.EXPERT, team=team)
    client.force_login(expert)
    html = client.get(reverse("home")).content.decode()
    assert "expertiseteam" in _block(html, "arrangements.escalations")
    controller = make_user(Role.CONTROLLER, team=team)
    client.force_login(controller)
    html = client.get(reverse("home")).content.decode()
    assert "budget" in _block(html, "budget.signals").lower()


def test_controller_home_shows_no_case_content(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    _fill(team, regisseur, make_user(Role.REGISSEUR, team=team), 2)
    controller = make_user(Role.CONTROLLER, team=team)
    client.force_login(controller)
    html = client.get(reverse("home")).content.decode()
    for case in own_cases(team):
        assert case.number not in html and case.household.name not in html
    assert "/dossiers/" not in html.split("<main", 1)[1]
    for key in ("intake.new_signals", "intake.team_signals", "cases.shared_with_me", "cases.safety"):
        assert f'data-worklist="{key}"' not in html


def own_cases(team):  # type: ignore[no-untyped-def]
    return CaseFactory._meta.model.objects.filter(team=team).select_related("household")


@pytest.mark.parametrize("role", [Role.REGISSEUR, Role.TEAMLEIDER])
def test_home_worklist_runs_the_same_queries_for_few_and_many_items(client, make_user, team, role):
    regisseur = make_user(Role.REGISSEUR, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    viewer = regisseur if role == Role.REGISSEUR else make_user(Role.TEAMLEIDER, team=team)
    client.force_login(viewer)
    _fill(team, regisseur, colleague, 1)
    client.get(reverse("home"))  # warm per-process caches (permission ids, content types)
    few, _ = _queries(client)
    _fill(team, regisseur, colleague, 14)  # more than an item shows (10)
    many, html = _queries(client)
    assert many == few
    assert "Alle 15 bekijken" in html  # the total is counted, the list is capped


def test_a_registered_worklist_item_appears_on_the_home_page_and_goes_again(client, make_user, team):
    user = make_user(Role.REGISSEUR, team=team)
    client.force_login(user)

    def rows(*, user):  # type: ignore[no-untyped-def]
        return [WorklistRow(label="Evaluatie plan", url="/dossiers/", detail="Testitem")]

    registry.register_worklist_item(
        key="test.dummy", label="Testblok", order=5, roles=[Role.REGISSEUR], rows=rows, empty_text="leeg"
    )
    try:
        html = client.get(reverse("home")).content.decode()
        block = _block(html, "test.dummy")
        assert "Testblok" in block and "Evaluatie plan" in block and 'href="/dossiers/"' in block
        assert html.index('data-worklist="test.dummy"') < html.index('data-worklist="intake.new_signals"')  # order 5
    finally:
        registry.unregister_worklist_item("test.dummy")
    assert 'data-worklist="test.dummy"' not in client.get(reverse("home")).content.decode()


def test_a_real_worklist_item_replaces_the_placeholder_of_its_key(client, make_user, team):
    expert = make_user(Role.EXPERT, team=team)
    client.force_login(expert)
    placeholder = next(i for i in registry.worklist_items(roles=[Role.EXPERT]) if i.key == "arrangements.escalations")
    registry.register_worklist_item(
        key="arrangements.escalations",
        label="Escalaties",
        order=210,
        roles=[Role.EXPERT],
        rows=lambda *, user: [WorklistRow(label="Escalatie 1", url="/")],
    )
    try:
        # A later placeholder registration does not push the real item out again.
        registry.register_worklist_item(
            key="arrangements.escalations",
            label="x",
            order=1,
            roles=[Role.EXPERT],
            rows=lambda *, user: [],
            placeholder=True,
        )
        html = client.get(reverse("home")).content.decode()
        assert "Escalatie 1" in _block(html, "arrangements.escalations")
    finally:
        registry.unregister_worklist_item("arrangements.escalations")
        registry._worklist[placeholder.key] = placeholder
    with pytest.raises(ValueError, match="registered twice"):
        registry.register_worklist_item(
            key="accounts.notifications", label="x", order=1, roles=[Role.REGISSEUR], rows=lambda *, user: []
        )


def test_share_notification_names_the_case_number_only(make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    reader = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    case_services.case_share(actor=regisseur, case=case, user=reader, access="read")
    note = reader.notifications.get()
    assert note.text == f"Dossier {case.number} is met u gedeeld: u mag meelezen."
    assert note.link == reverse("cases:detail", args=[case.uuid])
    assert case.household.name not in note.text
    assert not regisseur.notifications.exists()


def test_team_share_notifies_the_teams_casework_members_not_its_controller(make_user, team):
    from tests.accounts.factories import TeamFactory

    regisseur = make_user(Role.REGISSEUR, team=team)
    other = TeamFactory(municipality=team.municipality)
    member = make_user(Role.REGISSEUR, team=other)
    controller = make_user(Role.CONTROLLER, team=other)
    case = CaseFactory(team=team, regisseur=regisseur)
    case_services.case_share(actor=regisseur, case=case, team=other, access="write")
    assert member.notifications.get().text.endswith("u mag meelezen en registreren.")
    assert not controller.notifications.exists()


def test_triaged_signal_leaves_new_signals_of_the_worklist(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    client.force_login(regisseur)
    person = intake_services.PersonInput(first_name="Kim", last_name="Bos", birth_date=datetime.date(1990, 1, 1))
    signal = intake_services.signal_create(
        actor=regisseur, team=team, source=SignalSource.GP, question="Vraag", persons=[person]
    )
    url = reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})
    assert url in _block(client.get(reverse("home")).content.decode(), "intake.new_signals")
    intake_services.signal_triage(
        actor=regisseur, signal=signal, route=TriageRoute.ADVICE, advice_outcome="information"
    )
    assert url not in client.get(reverse("home")).content.decode()
