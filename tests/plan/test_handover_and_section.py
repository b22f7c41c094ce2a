"""Handover: the reassign form requires a note, shown at the top of the plan for the new
regisseur; the plan stays with the household. The case-page section renders on its own."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts.constants import Role
from plan import parts
from plan.models import Plan

pytestmark = pytest.mark.django_db


def test_reassign_without_a_handover_note_is_refused(client, draft, make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    new = make_user(Role.REGISSEUR, team=team)
    client.force_login(leader)
    response = client.post(reverse("cases:reassign", args=[draft.case.uuid]), {"regisseur": new.pk, "reason": "leave"})
    assert response.status_code == 200
    assert "Schrijf een overdrachtsnotitie voor de nieuwe regisseur." in response.content.decode()
    draft.case.refresh_from_db()
    assert draft.case.regisseur_id != new.pk


def test_handover_note_is_shown_at_the_top_of_the_plan_for_the_new_regisseur(client, draft, make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    new = make_user(Role.REGISSEUR, team=team, first_name="Bram")
    client.force_login(leader)
    response = client.post(
        reverse("cases:reassign", args=[draft.case.uuid]),
        {"regisseur": new.pk, "reason": "leave", "note": "Chantal belt liever dan dat ze mailt."},
    )
    assert response.status_code == 302
    client.force_login(new)
    html = client.get(reverse("plan:detail", kwargs={"uuid": draft.case.uuid})).content.decode()
    assert "Overdracht" in html and "Chantal belt liever dan dat ze mailt." in html
    assert html.index("Chantal belt liever") < html.index("Wat wil het gezin bereiken?")
    # The plan stayed with the household: same plan, same version.
    assert Plan.objects.get(case=draft.case).pk == draft.pk


def test_case_section_template_renders_from_its_own_context(draft, regisseur):
    request = RequestFactory().get("/")
    request.user = regisseur
    context = parts.section_context(request=request, case=draft.case)
    html = render_to_string("plan/_section.html", {**context, "case": draft.case}, request=request)
    assert "Versie 1" in html and "Werk &amp; opleiding" in html and "Financiën" in html
