"""An arrangement is deployed in the plan, on a goal, and the plan shows it there."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from arrangements import services
from arrangements.models import Arrangement
from plan import services as plan_services
from plan.selectors import plan_content
from tests.arrangements.factories import world_create
from tests.arrangements.test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    return world_create()


def _goal(world):  # type: ignore[no-untyped-def]
    plan = plan_services.plan_start(actor=world.regisseur, case=world.case)
    return plan_services.goal_add(
        actor=world.regisseur,
        plan=plan,
        expected_version=plan.version,
        member_id=world.member.pk,
        domain="finances",
        start_score=2,
        target_score=4,
        target_date=dt.date.today() + dt.timedelta(days=120),  # noqa: DTZ011
    )


def test_a_granted_arrangement_on_a_goal_shows_in_the_plan(client, world):
    goal = _goal(world)
    client.force_login(world.regisseur)
    response = client.post(
        reverse("arrangements:new", args=[world.case.uuid]), form_data(world, goal=str(goal.lineage), toekennen="1")
    )
    assert response.status_code == 302
    arrangement = Arrangement.objects.get()
    assert arrangement.goal_lineage == goal.lineage
    content = plan_content(plan=goal.plan, case=world.case)
    (shown,) = content.goals
    assert shown.provisions == [f"{world.item.name} (toegekend)"]
    page = client.get(reverse("cases:section", args=[world.case.uuid, "plan"])).content.decode()
    assert f"{world.item.name} (toegekend)" in page


def test_a_goal_of_another_case_is_refused_and_nothing_saved(world):
    other = world_create()
    foreign_goal = _goal(other)
    with pytest.raises(ValidationError) as exc:
        services.arrangement_grant(
            actor=world.regisseur,
            case=world.case,
            item=world.item,
            member=world.member,
            provider=world.provider,
            volume="2",
            start_date=dt.date.today() + dt.timedelta(days=40),  # noqa: DTZ011
            end_date=dt.date.today() + dt.timedelta(days=60),  # noqa: DTZ011
            delivery_form="zin",
            goal_lineage=foreign_goal.lineage,
        )
    assert "goal" in exc.value.message_dict
    assert not Arrangement.objects.filter(case=world.case).exists()


def test_the_form_offers_only_the_goals_of_the_current_plan(client, world):
    goal = _goal(world)
    other_goal = _goal(world_create())
    client.force_login(world.regisseur)
    page = client.get(reverse("arrangements:new", args=[world.case.uuid])).content.decode()
    assert str(goal.lineage) in page and str(other_goal.lineage) not in page
