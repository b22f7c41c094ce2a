"""Hostile and sloppy input on the plan forms: a Dutch message, nothing saved, never a 500."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan import selectors, services
from plan.models import Evaluation, Plan
from tests.cases.factories import CaseFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _edit(client, plan, words):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("plan:edit", kwargs={"uuid": plan.case.uuid}),
        {"version": plan.version, "household_words": words, "plan_date": plan.plan_date.isoformat()},
    )


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("a" * 100_000, "Zorg dat deze waarde niet meer dan 5000 tekens bevat"),
        ("rust\x00", "Null-tekens zijn niet toegestaan."),
        ("rust \u202eniet", "De tekst bevat onzichtbare tekens die de leesrichting veranderen."),
    ],
)
def test_bad_household_words_are_refused_and_nothing_saved(client, regisseur, draft, words, message):
    client.force_login(regisseur)
    response = _edit(client, draft, words)
    assert response.status_code == 200 and message in response.content.decode()
    saved = Plan.objects.get(pk=draft.pk)
    assert saved.household_words == "" and saved.version == draft.version


def test_html_in_the_households_words_is_shown_as_text(client, regisseur, draft):
    client.force_login(regisseur)
    assert _edit(client, draft, "<script>alert(1)</script>").status_code == 302
    html = client.get(reverse("plan:detail", kwargs={"uuid": draft.case.uuid})).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plan_date_far_in_the_past_or_future_is_refused(client, regisseur, draft):
    client.force_login(regisseur)
    for day in ("1900-01-01", "2999-01-01"):
        response = client.post(
            reverse("plan:edit", kwargs={"uuid": draft.case.uuid}),
            {"version": draft.version, "household_words": "", "plan_date": day},
        )
        assert "De datum van het plan moet binnen een jaar van vandaag liggen." in response.content.decode()
    assert Plan.objects.get(pk=draft.pk).plan_date == draft.plan_date


def test_a_post_without_csrf_token_is_refused(regisseur, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(regisseur)
    assert _edit(client, draft, "Rust").status_code == 403
    draft.refresh_from_db()
    assert draft.household_words == ""


def test_evaluation_without_scores_over_http_shows_a_dutch_message(client, regisseur, agreed):
    client.force_login(regisseur)
    goals = list(agreed.goals.all())
    data = {"date": timezone.localdate().isoformat(), **{f"outcome_{g.pk}": "achieved" for g in goals}}
    response = client.post(reverse("plan:evaluate", kwargs={"uuid": agreed.case.uuid}), data)
    assert response.status_code == 200
    assert "Vul de scores van de zelfredzaamheid opnieuw in." in response.content.decode()
    assert not Evaluation.objects.exists()


def test_evaluating_a_draft_over_http_is_refused(client, regisseur, draft):
    client.force_login(regisseur)
    response = client.post(reverse("plan:evaluate", kwargs={"uuid": draft.case.uuid}), {}, follow=True)
    assert "Een concept kan niet worden geëvalueerd" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_goal_of_another_plan_cannot_be_removed(client, regisseur, draft, team):
    other = CaseFactory(team=team, household=HouseholdFactory(municipality=team.municipality), regisseur=regisseur)
    other_plan = services.plan_start(actor=regisseur, case=other)
    goal = draft.goals.first()
    client.force_login(regisseur)
    response = client.post(
        reverse("plan:goal_remove", kwargs={"uuid": other.uuid, "goal_uuid": goal.uuid}),
        {"version": other_plan.version},
    )
    assert response.status_code == 404 and draft.goals.filter(pk=goal.pk).exists()


def test_worklist_queries_do_not_grow_with_plans(regisseur, team, draft):
    with CaptureQueriesContext(connection) as one:
        selectors.worklist_drafts(user=regisseur)
        selectors.worklist_overdue(user=regisseur)
    for _ in range(4):
        case = CaseFactory(team=team, household=HouseholdFactory(municipality=team.municipality), regisseur=regisseur)
        services.plan_start(actor=regisseur, case=case)
    with CaptureQueriesContext(connection) as five:
        rows = selectors.worklist_drafts(user=regisseur)
        selectors.worklist_overdue(user=regisseur)
    assert len(rows) == 5 and len(one) == len(five)
