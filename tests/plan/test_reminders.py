"""The morning reminder task in a real Celery worker (real Redis, real PostgreSQL):
once per overdue item per day, nothing for a plan evaluated in time; and the worklist."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from plan import selectors, services
from plan.models import ReminderSent
from plan.tasks import send_plan_reminders
from tests.plan.conftest import add_action, agree, evaluate


def _overdue(plan, regisseur, members):  # type: ignore[no-untyped-def]
    """Agreed 150 days ago (evaluation due 60 days ago) with one action 10 days overdue."""
    today = timezone.localdate()
    plan.refresh_from_db()
    services.plan_update(
        actor=regisseur,
        plan=plan,
        expected_version=plan.version,
        household_words="",
        plan_date=today - datetime.timedelta(days=200),
    )
    add_action(plan, regisseur, kind="regisseur", due_on=today - datetime.timedelta(days=10))
    plan.refresh_from_db()
    return services.plan_agree(
        actor=regisseur,
        plan=plan,
        expected_version=plan.version,
        member_ids=[members["Chantal"].pk],
        agreed_on=today - datetime.timedelta(days=150),
        method="verbal",
    )


@pytest.mark.django_db(transaction=True)
def test_reminder_task_run_twice_in_a_worker_notifies_once_per_overdue_item(
    celery_worker, draft, regisseur, members, team, make_user
):
    plan = _overdue(draft, regisseur, members)
    assert plan.evaluation_due < timezone.localdate()
    # A second household whose plan was evaluated in time: nothing to remind.
    from tests.cases.factories import CaseFactory, HouseholdFactory

    other = CaseFactory(team=team, household=HouseholdFactory(municipality=team.municipality), regisseur=regisseur)
    other_plan = services.plan_start(actor=regisseur, case=other)
    member = other.household.members.get()
    services.goal_add(
        actor=regisseur,
        plan=other_plan,
        expected_version=other_plan.version,
        member_id=member.pk,
        domain="housing",
        start_score=2,
        target_score=4,
        target_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    other_plan = agree(other_plan, regisseur, {"Chantal": member})
    evaluate(other_plan, regisseur)

    first = send_plan_reminders.delay().get(timeout=30)
    second = send_plan_reminders.delay().get(timeout=30)

    assert (first, second) == (2, 0)
    texts = sorted(Notification.objects.filter(recipient=regisseur).values_list("text", flat=True))
    assert texts == [
        f"Een actie in het plan van dossier {plan.case.number} is over datum",
        f"Evaluatie van het plan van dossier {plan.case.number} is te laat",
    ]
    assert ReminderSent.objects.count() == 2
    assert not ReminderSent.objects.filter(plan__case=other).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [regisseur.email, regisseur.email]


@pytest.mark.django_db
def test_reminders_next_day_again_and_never_personal_data(
    draft, regisseur, members, django_capture_on_commit_callbacks
):
    plan = _overdue(draft, regisseur, members)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=today) == 2
        assert services.reminders_send(today=today) == 0
        assert services.reminders_send(today=today + datetime.timedelta(days=1)) == 2
    for text in Notification.objects.values_list("text", flat=True):
        assert "Chantal" not in text and plan.case.household.name not in text
    assert len(mail.outbox) == 4 and mail.outbox[0].to == [regisseur.email]


@pytest.mark.django_db
def test_overdue_and_draft_plans_on_the_regisseurs_worklist(draft, regisseur, members, make_user, team):
    assert [r.detail for r in selectors.worklist_drafts(user=regisseur)] == ["Concept"]
    plan = _overdue(draft, regisseur, members)
    rows = selectors.worklist_overdue(user=regisseur)
    assert [r.detail for r in rows] == ["Evaluatie te laat"] and rows[0].urgent
    assert plan.case.number in rows[0].label
    assert selectors.worklist_drafts(user=regisseur) == []
    colleague = make_user("regisseur", team=team)
    assert selectors.worklist_overdue(user=colleague) == []


@pytest.mark.django_db
def test_worklist_items_and_case_section_are_registered():
    from socialdomain.registry import case_sections, worklist_items

    assert "plan" in [s.key for s in case_sections()]
    section = next(s for s in case_sections() if s.key == "plan")
    assert section.order == 40 and section.template == "plan/_section.html"
    assert {"plan_overdue", "plan_drafts"} <= {i.key for i in worklist_items(roles=["regisseur"])}
