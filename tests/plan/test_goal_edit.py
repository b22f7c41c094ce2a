"""A goal of a draft can be changed: words, scores, date and rung; member and life domain
stay, the lineage stays (provisions stay on it), a stale version is a conflict, another
plan's goal answers 404, an agreed version cannot be changed, the household's words are
not copied into the log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from plan import services
from tests.cases.factories import CaseFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _edit(goal, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "start_score": goal.start_score,
        "target_score": 4,
        "target_date": goal.plan.plan_date + datetime.timedelta(days=120),
        "description": "Myra fietst zelf naar school",
        "target_rung": None,
    }
    return {**values, **overrides}


def test_goal_update_keeps_member_domain_and_lineage_and_logs_no_words(draft, regisseur):
    goal = draft.goals.order_by("position").first()
    lineage, member, domain = goal.lineage, goal.member_id, goal.domain
    services.goal_update(actor=regisseur, plan=draft, expected_version=draft.version, goal=goal, **_edit(goal))
    goal.refresh_from_db()
    assert (goal.lineage, goal.member_id, goal.domain) == (lineage, member, domain)
    assert goal.target_score == 4 and goal.description == "Myra fietst zelf naar school"
    event = AuditEvent.objects.get(action="plan_goal_update")
    assert event.changes["description"] == "[gewijzigd]" and "fietst" not in str(event.changes)
    assert event.changes["target_score"][1] == "4"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_score": 6}, "target_score"),
        ({"start_score": 0}, "start_score"),
        ({"target_date": datetime.date(1999, 1, 1)}, "target_date"),
        ({"target_date": datetime.date(2999, 1, 1)}, "target_date"),
        ({"description": "a\u202eb"}, "description"),
    ],
)
def test_bad_goal_changes_are_refused_and_nothing_changes(draft, regisseur, overrides, field):
    goal = draft.goals.first()
    before = (goal.target_score, goal.start_score, goal.target_date, goal.description)
    with pytest.raises(ValidationError) as exc:
        services.goal_update(
            actor=regisseur, plan=draft, expected_version=draft.version, goal=goal, **_edit(goal, **overrides)
        )
    assert field in exc.value.message_dict
    goal.refresh_from_db()
    assert (goal.target_score, goal.start_score, goal.target_date, goal.description) == before


def test_stale_version_is_a_conflict(draft, regisseur):
    goal = draft.goals.first()
    stale = draft.version
    services.plan_update(
        actor=regisseur, plan=draft, expected_version=stale, household_words="Rust in huis", plan_date=draft.plan_date
    )
    with pytest.raises(services.PlanConflict):
        services.goal_update(actor=regisseur, plan=draft, expected_version=stale, goal=goal, **_edit(goal))


def test_goal_edit_over_http_saves_once_and_shows_the_page(client, regisseur, draft):
    goal = draft.goals.first()
    client.force_login(regisseur)
    url = reverse("plan:goal_edit", kwargs={"uuid": draft.case.uuid, "goal_uuid": goal.uuid})
    page = client.get(url)
    assert page.status_code == 200 and "Doel bewerken" in page.content.decode()
    data = {
        "version": draft.version,
        "form_token": page.context["form"]["form_token"].value(),
        "description": "Samen ontbijten",
        "start_score": goal.start_score,
        "target_score": 5,
        "target_date": (draft.plan_date + datetime.timedelta(days=60)).isoformat(),
        "target_rung": "",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code in (200, 302)  # the same submission again
    goal.refresh_from_db()
    assert goal.description == "Samen ontbijten" and goal.target_score == 5
    assert AuditEvent.objects.filter(action="plan_goal_update").count() == 1
    tab = client.get(reverse("cases:section", args=[draft.case.uuid, "plan"])).content.decode()
    assert url in tab


def test_bad_input_over_http_is_shown_in_dutch(client, regisseur, draft):
    goal = draft.goals.first()
    client.force_login(regisseur)
    url = reverse("plan:goal_edit", kwargs={"uuid": draft.case.uuid, "goal_uuid": goal.uuid})
    data = {"version": draft.version, "start_score": 3, "target_score": 9, "target_date": "2999-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Een score ligt tussen 1 en 5." in response.content.decode() or response.context["form"].errors
    goal.refresh_from_db()
    assert goal.target_score != 9


def test_goal_of_another_plan_is_404(client, regisseur, draft, team):
    other = CaseFactory(team=team, household=HouseholdFactory(municipality=team.municipality), regisseur=regisseur)
    services.plan_start(actor=regisseur, case=other)
    goal = draft.goals.first()
    client.force_login(regisseur)
    url = reverse("plan:goal_edit", kwargs={"uuid": other.uuid, "goal_uuid": goal.uuid})
    assert client.get(url).status_code == 404


def test_an_agreed_plan_has_no_goal_editing(client, regisseur, agreed):
    goal = agreed.goals.first()
    with pytest.raises(ValidationError):
        services.goal_update(actor=regisseur, plan=agreed, expected_version=agreed.version, goal=goal, **_edit(goal))
    client.force_login(regisseur)
    url = reverse("plan:goal_edit", kwargs={"uuid": agreed.case.uuid, "goal_uuid": goal.uuid})
    assert client.get(url).status_code in (302, 404)
    goal.refresh_from_db()
    assert goal.target_score != 4 or goal.description != "Myra fietst zelf naar school"
