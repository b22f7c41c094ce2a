"""Team ceilings hold under concurrency; overrun alerts fire once per crossing."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.constants import Role
from accounts.models import Notification
from budget import services
from budget.alerts import budget_check_overruns
from budget.models import BudgetLine, InflowRollup, LedgerEntry
from budget.selectors import line_positions
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.budget.factories import BudgetFactory, BudgetLineFactory, TeamCeilingFactory, change


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_grants_against_a_ceiling_that_fits_ten_grant_exactly_ten():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality)
    BudgetLineFactory(budget=budget)
    TeamCeilingFactory(budget=budget, team=team, amount=Decimal("1000.00"))
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def grant(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                services.commitment_book(change(team=team, arrangement_id=500 + n, months={(2026, 6): "100.00"}))
            result = "granted"
        except ValidationError as exc:
            result = "refused: " + " ".join(exc.messages)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=grant, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("granted") == 10
    refused = [o for o in outcomes if o.startswith("refused")]
    assert len(refused) == 10 and all("budgetplafond" in o for o in refused)
    assert LedgerEntry.objects.filter(team=team).count() == 10
    assert services.team_committed(budget=budget, team_id=team.pk) == Decimal("1000.00")


@pytest.mark.django_db
def test_a_grant_beyond_the_ceiling_says_how_much_room_is_left():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality)
    TeamCeilingFactory(budget=budget, team=team, amount=Decimal("150.00"))
    services.commitment_book(change(team=team, months={(2026, 6): "100.00"}))
    with pytest.raises(ValidationError) as exc:
        services.commitment_book(change(team=team, months={(2026, 7): "60.00"}))
    assert "€ 50,00 ruimte" in exc.value.messages[0] and "teamleider" in exc.value.messages[0]
    # Releasing is always allowed, even over the ceiling.
    assert LedgerEntry.objects.count() == 1


def _controller(team):
    user = UserFactory()
    MembershipFactory(user=user, team=team, role=Role.CONTROLLER)
    return user


@pytest.mark.django_db
def test_the_overrun_alert_fires_once_and_again_only_after_coming_back_under():
    team = TeamFactory()
    controller = _controller(team)
    budget = BudgetFactory(municipality=team.municipality, year=2020)  # a past year: no run-rate, no months left
    line = BudgetLineFactory(budget=budget, amount=Decimal("1000.00"))
    services.commitment_book(change(team=team, arrangement_id=1, months={(2020, 3): "900.00"}))
    assert budget_check_overruns(budget_id=budget.pk) == []
    services.commitment_book(change(team=team, arrangement_id=2, months={(2020, 4): "200.00"}))
    assert budget_check_overruns(budget_id=budget.pk) == [line.pk]
    assert budget_check_overruns(budget_id=budget.pk) == []  # still over: no second alert
    assert Notification.objects.filter(recipient=controller).count() == 1
    services.commitment_book(change(team=team, arrangement_id=2, months={}, kind="stop"))  # back under
    assert budget_check_overruns(budget_id=budget.pk) == []
    services.commitment_book(change(team=team, arrangement_id=3, months={(2020, 5): "300.00"}))
    assert budget_check_overruns(budget_id=budget.pk) == [line.pk]
    texts = list(Notification.objects.filter(recipient=controller).values_list("text", flat=True))
    assert len(texts) == 2 and all("Dreigende overschrijding" in t for t in texts)


@pytest.mark.django_db
def test_the_alert_never_reaches_the_other_municipality():
    team, foreign_team = TeamFactory(), TeamFactory()
    foreign_controller = _controller(foreign_team)
    budget = BudgetFactory(municipality=team.municipality, year=2020)
    BudgetLineFactory(budget=budget, amount=Decimal("10.00"))
    services.commitment_book(change(team=team, months={(2020, 3): "900.00"}))
    budget_check_overruns(budget_id=budget.pk)
    assert not Notification.objects.filter(recipient=foreign_controller).exists()


@pytest.mark.django_db
def test_the_forecast_adds_the_run_rate_of_new_commitments_for_the_months_left():
    team = TeamFactory()
    budget = BudgetFactory(municipality=team.municipality, year=2026)
    line = BudgetLineFactory(budget=budget, amount=Decimal("10000.00"))
    services.commitment_book(change(team=team, months={(2026, 9): "600.00"}))
    services.actual_book(
        municipality=team.municipality,
        team=team,
        provider_id=None,
        household_id=None,
        law=line.law,
        taakveld=line.taakveld,
        month=dt.date(2026, 9, 1),
        amount=Decimal("250.00"),
        source_kind="test",
        source_id=1,
        actor=None,
    )
    # Booked today (this month): it counts in the run-rate only from next month on.
    (position,) = line_positions(budget=budget)
    assert position.realised == Decimal("250.00")
    assert position.remaining == Decimal("350.00")
    assert position.forecast == Decimal("600.00")
    # Three full months before 15 September with 300 of new commitments each: run-rate 300,
    # three months left in the year.
    for month in (6, 7, 8):
        InflowRollup.objects.create(line=line, booked_month=dt.date(2026, month, 1), amount=Decimal("300.00"))
    (position,) = line_positions(budget=budget, today=dt.date(2026, 9, 15))
    assert position.forecast == Decimal("600.00") + Decimal("300.00") * 3


@pytest.mark.integration
def test_a_commitment_change_recomputes_the_alerts_in_the_real_worker(celery_worker):
    team = TeamFactory()
    controller = _controller(team)
    budget = BudgetFactory(municipality=team.municipality, year=2020)
    BudgetLineFactory(budget=budget, amount=Decimal("10.00"))
    with transaction.atomic():
        services.commitment_book(change(team=team, months={(2020, 3): "900.00"}))
    import time

    for _ in range(100):
        if Notification.objects.filter(recipient=controller).exists():
            break
        time.sleep(0.1)
    assert Notification.objects.filter(recipient=controller).count() == 1
    assert BudgetLine.objects.get(budget=budget).overrun_alerted
