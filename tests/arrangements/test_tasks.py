"""The beat tasks run in a real Celery worker and are idempotent."""

import datetime as dt

from django.utils import timezone

from accounts.constants import Role
from accounts.models import Notification
from arrangements import tasks
from arrangements.models import Arrangement, Escalation, EscalationWarning
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.arrangements.factories import world_create
from tests.arrangements.test_services import _escalate, grant


def test_overdue_escalation_warns_the_expert_team_leader_once_a_day(celery_worker):
    world = world_create()
    leader = UserFactory()
    MembershipFactory(user=leader, team=world.expert_team, role=Role.TEAMLEIDER)
    overdue = _escalate(world)
    _escalate(world)  # not overdue
    Escalation.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))

    assert tasks.warn_overdue_escalations.delay().get(timeout=30) == 1
    assert tasks.warn_overdue_escalations.delay().get(timeout=30) == 0
    assert EscalationWarning.objects.filter(escalation=overdue).count() == 1
    warnings = Notification.objects.filter(recipient=leader, text__contains="over de reactiedatum")
    assert warnings.count() == 1
    assert world.case.number in warnings.get().text


def test_due_reviews_go_on_the_worklist_once(celery_worker):
    world = world_create()
    arrangement = grant(world)
    later = grant(world)
    Arrangement.objects.filter(pk=arrangement.pk).update(review_date=timezone.localdate())

    assert tasks.mark_due_reviews.delay().get(timeout=30) == 1
    assert tasks.mark_due_reviews.delay().get(timeout=30) == 0
    arrangement.refresh_from_db()
    later.refresh_from_db()
    assert arrangement.review_due_since == timezone.localdate() and later.review_due_since is None
    assert Notification.objects.filter(recipient=world.regisseur, text__startswith="Evaluatie").count() == 1


def test_lapsed_expert_access_is_tidied_up_by_the_task(celery_worker):
    from arrangements.models import ExpertAccess

    world = world_create()
    escalation = _escalate(world)
    ExpertAccess.objects.filter(escalation=escalation).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert tasks.revoke_lapsed_expert_access.delay().get(timeout=30) == 1
    assert tasks.revoke_lapsed_expert_access.delay().get(timeout=30) == 0
