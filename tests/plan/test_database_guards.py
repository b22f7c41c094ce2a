"""Guarantees by structure: the database itself keeps one current plan per case and
refuses changes to agreed versions (PostgreSQL trigger), whatever the code path."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from plan import services
from plan.models import Action, Goal, Plan, Risk
from tests.plan.conftest import evaluate

pytestmark = pytest.mark.django_db


def test_a_second_current_plan_for_the_case_is_refused_by_the_database(draft, regisseur):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(case=draft.case, number=2, plan_date=draft.plan_date, created_by=regisseur)


def test_raw_update_of_an_agreed_version_is_refused(agreed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=agreed.pk).update(household_words="overschreven")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=agreed.pk).update(status="draft")
    agreed.refresh_from_db()
    assert agreed.household_words == "" and agreed.status == "agreed"


def test_goals_actions_and_risks_of_an_agreed_version_are_frozen(agreed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(plan=agreed).update(target_score=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(plan=agreed).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(plan=agreed).update(description="iets anders")
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.create(plan=agreed, description="nieuw")
    with pytest.raises(IntegrityError), transaction.atomic():
        agreed.agreed_members.clear()
    with pytest.raises(IntegrityError), transaction.atomic():
        agreed.delete()
    assert agreed.goals.count() == 2


def test_the_life_cycle_columns_still_move(agreed, regisseur):
    # Progress on an action and the status moving forward are not changes of the agreement.
    Action.objects.filter(plan=agreed).update(done_on=timezone.localdate())
    services.plan_activate(actor=regisseur, plan=agreed)
    nxt = evaluate(Plan.objects.get(pk=agreed.pk), regisseur)
    assert nxt.number == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=agreed.pk).update(status="active")


def test_a_draft_stays_editable_in_the_database(draft):
    Goal.objects.filter(plan=draft).update(target_score=5)
    assert set(draft.goals.values_list("target_score", flat=True)) == {5}


@pytest.mark.django_db(transaction=True)
def test_one_current_plan_under_two_concurrent_starts(case, regisseur, gesprek):
    """Two requests start the plan at the same moment, in real transactions: one plan."""
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait(timeout=10)
            plan = services.plan_start(actor=regisseur, case=case, gesprek=gesprek)
            results.append(plan.pk)
        except BaseException as exc:  # noqa: BLE001 - any failure in the thread is reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Plan.objects.filter(case=case).count() == 1
    assert Goal.objects.filter(plan__case=case).count() == 2
