"""A grant beyond the team's budget ceiling: the regisseur asks the team leader, who
approves (the grant goes through and is booked) or rejects it; four-eyes, 404 for other
teams, one request per submission, a decided request cannot be decided again."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.constants import Role
from accounts.models import Notification
from arrangements import services
from arrangements.constants import ArrangementStatus, CeilingApprovalStatus
from arrangements.models import Arrangement, CeilingApproval
from arrangements.worklist import ceiling_approval_rows
from audit.models import AuditEvent
from budget import services as budget_services
from budget.models import LedgerEntry, TeamCeiling
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.arrangements.factories import world_create
from tests.arrangements.test_views import form_data
from tests.budget.factories import BudgetFactory, change
from tests.cases.factories import CaseFactory

D = Decimal


def _ceiling(world, amount: str) -> TeamCeiling:
    start_year = int(form_data(world)["start_date"][:4])
    budget = BudgetFactory(municipality=world.case.team.municipality, year=start_year)
    return TeamCeiling.objects.create(budget=budget, team=world.case.team, amount=D(amount))


def _leader(team):
    user = UserFactory(first_name="Tessa", last_name="Teamleider")
    MembershipFactory(user=user, team=team, role=Role.TEAMLEIDER)
    return user


def _request(world, **overrides) -> CeilingApproval:
    """The regisseur's request through the service (the estimate is € 480,00)."""
    data = form_data(world)
    case = world.case
    import datetime as dt

    return services.arrangement_request_ceiling_approval(
        actor=world.regisseur,
        case=case,
        item=world.item,
        member=world.member,
        provider=world.provider,
        volume=D(data["volume"]),
        start_date=dt.date.fromisoformat(data["start_date"]),
        end_date=dt.date.fromisoformat(data["end_date"]),
        delivery_form="zin",
        motivation=overrides.pop("motivation", "Zonder deze begeleiding dreigt uithuisplaatsing."),
        **overrides,
    )


def _url(approval: CeilingApproval) -> str:
    return reverse("arrangements:ceiling_approval", args=[approval.case.uuid, approval.uuid])


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    w = world_create()
    w.leader = _leader(w.team)  # type: ignore[attr-defined]
    return w


@pytest.mark.django_db
def test_beyond_the_ceiling_the_form_offers_the_request_and_it_lands_on_the_leaders_worklist(client, world):
    _ceiling(world, "100.00")
    client.force_login(world.regisseur)
    url = reverse("arrangements:new", args=[world.case.uuid])
    refused = client.post(url, form_data(world, toekennen="1")).content.decode()
    assert "Goedkeuring vragen aan de teamleider" in refused and "€ 100,00 ruimte" in refused
    token = uuid.uuid4()
    data = form_data(world, plafond="1", ceiling_motivation="Zonder dit dreigt uithuisplaatsing.")
    data |= {"form_token": str(token), "submission": str(uuid.uuid4())}
    response = client.post(url, data)
    assert response.status_code == 302
    again = client.post(url, data)  # the same form sent twice: one request
    assert again.status_code == 302
    approval = CeilingApproval.objects.get()
    assert approval.status == CeilingApprovalStatus.PENDING
    assert approval.arrangement.status == ArrangementStatus.REQUESTED
    assert not LedgerEntry.objects.exists()  # nothing committed while pending
    assert AuditEvent.objects.filter(action="ceiling_approval_request").count() == 1
    assert Notification.objects.filter(recipient=world.leader, link=_url(approval)).count() == 1
    # The regisseur sees the pending state on the Voorzieningen tab.
    tab = client.get(reverse("cases:section", args=[world.case.uuid, "voorzieningen"])).content.decode()
    assert "wacht op goedkeuring teamleider" in tab
    # The team leader's worklist names the case and the cost, and links to the decision.
    rows = list(ceiling_approval_rows(user=world.leader))
    assert len(rows) == 1 and world.case.number in str(rows[0].label) and rows[0].url == _url(approval)
    assert rows[0].detail == "€ 480,00"
    assert list(ceiling_approval_rows(user=world.regisseur)) == []


def test_a_request_without_motivation_or_that_fits_under_the_ceiling_is_refused_and_saves_nothing(world):
    _ceiling(world, "100.00")
    with pytest.raises(ValidationError) as exc:
        _request(world, motivation="  ")
    assert "Licht toe" in str(exc.value)
    TeamCeiling.objects.update(amount=D("10000.00"))
    with pytest.raises(ValidationError) as exc:
        _request(world)
    assert "u kunt haar zelf toekennen" in exc.value.messages[0]
    assert not Arrangement.objects.exists() and not CeilingApproval.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_the_team_leader_sees_cost_and_room_then_approves_and_the_grant_is_booked(client, world):
    ceiling = _ceiling(world, "100.00")
    approval = _request(world)
    client.force_login(world.leader)
    page = client.get(_url(approval))
    body = page.content.decode()
    assert page.status_code == 200
    assert "€ 480,00" in body and "€ 100,00" in body and "€ 380,00" in body  # cost, ceiling/room, beyond it
    assert world.member.person.last_name not in body  # money and the arrangement summary only
    response = client.post(_url(approval), {"reason": "Veiligheid van het kind gaat voor.", "goedkeuren": "1"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == CeilingApprovalStatus.APPROVED and approval.decided_by == world.leader
    arrangement = approval.arrangement
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.GRANTED and arrangement.granted_by == world.regisseur
    assert sum(e.amount for e in LedgerEntry.objects.all()) == D("480.00")
    assert budget_services.team_committed(budget=ceiling.budget, team_id=world.team.pk) == D("480.00")
    assert AuditEvent.objects.filter(action="ceiling_approval_decide", actor=world.leader).count() == 1
    assert Notification.objects.filter(recipient=world.regisseur, text__contains="goedgekeurd").exists()
    # Decided: a second decision answers 409 with a Dutch message and changes nothing.
    again = client.post(_url(approval), {"reason": "Toch niet.", "afwijzen": "1"})
    assert again.status_code == 409 and "Over deze aanvraag is al besloten" in again.content.decode()
    assert CeilingApproval.objects.get().status == CeilingApprovalStatus.APPROVED
    assert LedgerEntry.objects.count() == 1


def test_rejection_refuses_the_arrangement_and_books_nothing(client, world):
    _ceiling(world, "100.00")
    approval = _request(world)
    client.force_login(world.leader)
    empty = client.post(_url(approval), {"reason": "", "afwijzen": "1"})
    assert empty.status_code == 400 and "Dit veld is vereist" in empty.content.decode()
    response = client.post(_url(approval), {"reason": "Eerst het netwerk inzetten.", "afwijzen": "1"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == CeilingApprovalStatus.REJECTED and approval.reason == "Eerst het netwerk inzetten."
    assert approval.arrangement.status == ArrangementStatus.REFUSED
    assert not LedgerEntry.objects.exists()
    assert Notification.objects.filter(recipient=world.regisseur, text__contains="afgewezen").exists()


def test_a_regisseur_who_also_leads_the_team_cannot_approve_their_own_request(client, world):
    _ceiling(world, "100.00")
    MembershipFactory(user=world.regisseur, team=world.team, role=Role.TEAMLEIDER)
    approval = _request(world)
    with pytest.raises(ValidationError) as exc:
        services.ceiling_approval_decide(actor=world.regisseur, approval=approval, approve=True, reason="Akkoord.")
    assert "vier ogen" in exc.value.messages[0]
    client.force_login(world.regisseur)
    response = client.post(_url(approval), {"reason": "Akkoord.", "goedkeuren": "1"})
    assert response.status_code == 400 and "vier ogen" in response.content.decode()
    assert CeilingApproval.objects.get().is_pending and not LedgerEntry.objects.exists()


def test_the_plain_regisseur_and_a_leader_of_another_team_get_404(client, world):
    _ceiling(world, "100.00")
    approval = _request(world)
    other_leader = _leader(TeamFactory(municipality=world.team.municipality))
    for user in (world.regisseur, other_leader):
        client.force_login(user)
        assert client.get(_url(approval)).status_code == 404
        assert client.post(_url(approval), {"reason": "Akkoord.", "goedkeuren": "1"}).status_code == 404
    # A request of another case under this case's URL is not found either.
    other = CaseFactory(team=world.team, regisseur=world.regisseur)
    client.force_login(world.leader)
    url = reverse("arrangements:ceiling_approval", args=[other.uuid, approval.uuid])
    assert client.get(url).status_code == 404
    assert CeilingApproval.objects.get().is_pending


def test_the_budget_does_not_trust_the_approval_flag_of_a_non_leader(world):
    team = world.team
    budget = BudgetFactory(municipality=team.municipality, year=2026)
    TeamCeiling.objects.create(budget=budget, team=team, amount=D("50.00"))
    base = change(team=team, months={(2026, 6): "100.00"})
    from dataclasses import replace

    with pytest.raises(ValidationError) as exc:
        budget_services.commitment_book(replace(base, ceiling_approved_by=world.regisseur.pk))
    assert "budgetplafond" in exc.value.messages[0]
    other_leader = _leader(TeamFactory(municipality=team.municipality))
    with pytest.raises(ValidationError):
        budget_services.commitment_book(replace(base, ceiling_approved_by=other_leader.pk))
    assert not LedgerEntry.objects.exists()
    budget_services.commitment_book(replace(base, ceiling_approved_by=world.leader.pk))
    assert budget_services.team_committed(budget=budget, team_id=team.pk) == D("100.00")


def test_the_leaders_worklist_runs_one_query_for_few_and_many_requests(world):
    _ceiling(world, "100.00")
    _request(world)
    with CaptureQueriesContext(connection) as few:
        assert len(list(ceiling_approval_rows(user=world.leader))) == 1
    for _n in range(5):
        case = CaseFactory(team=world.team, regisseur=world.regisseur)
        world.case = case
        _request(world)
    with CaptureQueriesContext(connection) as many:
        assert len(list(ceiling_approval_rows(user=world.leader))) == 6
    assert len(few.captured_queries) == len(many.captured_queries) == 1


@pytest.mark.django_db(transaction=True)
def test_two_leaders_approving_at_once_grant_once():
    world = world_create()
    world.leader = _leader(world.team)  # type: ignore[attr-defined]
    second = _leader(world.team)
    _ceiling(world, "100.00")
    approval = _request(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=30)
            services.ceiling_approval_decide(actor=user, approval=approval, approve=True, reason="Akkoord.")
            result = "approved"
        except ValidationError as exc:
            result = "refused: " + " ".join(exc.messages)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide, args=(u,)) for u in (world.leader, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["approved", "refused: Over deze aanvraag is al besloten."]
    assert LedgerEntry.objects.count() == 1
    assert sum(e.amount for e in LedgerEntry.objects.all()) == D("480.00")
    assert Arrangement.objects.get().status == ArrangementStatus.GRANTED
