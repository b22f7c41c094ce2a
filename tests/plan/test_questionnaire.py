"""The client-experience questionnaire: a single-use, expiring code; a page without login
that shows nothing of the case; answers linked to the case and plan version only."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plan import services
from plan.models import QuestionnaireAnswer, QuestionnaireInvite
from tests.plan.conftest import BSN_PARENT

pytestmark = pytest.mark.django_db

ANSWERS = {"q_ours": "5", "q_reachable": "4", "q_fit": "4", "q_better": "3", "q_recommend": "5", "remarks": "Fijn"}


@pytest.fixture
def code(agreed, regisseur):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(regisseur)
    response = client.post(reverse("plan:questionnaire_invite", kwargs={"uuid": agreed.case.uuid}))
    assert response.status_code == 200
    found = re.search(r'class="questionnaire-code">([A-Z0-9 ]+)<', response.content.decode())
    assert found
    return found.group(1).replace(" ", "")


def test_the_link_works_once(code, agreed):
    anonymous = Client()
    page = anonymous.get(reverse("questionnaire_answer", kwargs={"code": code}))
    assert page.status_code == 200
    assert anonymous.post(reverse("questionnaire_answer", kwargs={"code": code}), ANSWERS).status_code == 200
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.case_id, answer.plan_id, answer.q_ours) == (agreed.case_id, agreed.pk, 5)
    again = anonymous.post(reverse("questionnaire_answer", kwargs={"code": code}), ANSWERS)
    assert again.status_code == 404 and QuestionnaireAnswer.objects.count() == 1


def test_the_short_code_can_be_typed_in_groups_and_lower_case(code):
    response = Client().post(reverse("questionnaire_start"), {"code": f"{code[:4].lower()} {code[4:]}"})
    assert response.status_code == 302


def test_an_expired_code_does_not_work(code):
    QuestionnaireInvite.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(reverse("questionnaire_answer", kwargs={"code": code})).status_code == 404
    with pytest.raises(Exception, match="niet \\(meer\\) geldig"):
        services.questionnaire_answer(code=code, answers={k: 5 for k in ANSWERS if k != "remarks"})
    assert not QuestionnaireAnswer.objects.exists()


def test_the_page_shows_nothing_of_the_household(code, agreed, members):
    html = Client().get(reverse("questionnaire_answer", kwargs={"code": code})).content.decode()
    household = agreed.case.household
    for secret in [
        "Chantal",
        "Myra",
        "Testhuis",
        household.name,
        BSN_PARENT,
        agreed.case.number,
        "Schuldhulp bellen",
        "Financiën",
    ]:
        assert secret not in html, secret
    assert "Vijf vragen over de hulp" in html


def test_the_stored_answer_holds_no_user_or_person(code):
    Client().post(reverse("questionnaire_answer", kwargs={"code": code}), ANSWERS)
    fields = {f.name for f in QuestionnaireAnswer._meta.get_fields()}
    assert fields == {
        "id",
        "case",
        "plan",
        "q_ours",
        "q_reachable",
        "q_fit",
        "q_better",
        "q_recommend",
        "remarks",
        "answered_on",
    }


def test_an_incomplete_answer_is_refused_in_dutch(code):
    response = Client().post(reverse("questionnaire_answer", kwargs={"code": code}), {"q_ours": "9"})
    assert response.status_code == 200 and "Kies een antwoord." in response.content.decode()
    assert not QuestionnaireAnswer.objects.exists()
    assert QuestionnaireInvite.objects.get().used_at is None


def test_no_questionnaire_for_a_draft(draft, regisseur):
    client = Client()
    client.force_login(regisseur)
    client.post(reverse("plan:questionnaire_invite", kwargs={"uuid": draft.case.uuid}))
    assert not QuestionnaireInvite.objects.exists()
