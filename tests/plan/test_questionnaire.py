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
def invitation(agreed, regisseur):  # type: ignore[no-untyped-def]
    """(printed code, link path) as the regisseur's page shows them, once."""
    client = Client()
    client.force_login(regisseur)
    response = client.post(reverse("plan:questionnaire_invite", kwargs={"uuid": agreed.case.uuid}))
    assert response.status_code == 200
    html = response.content.decode()
    code = re.search(r'class="questionnaire-code">([A-Z0-9 ]+)<', html)
    link = re.search(r'class="questionnaire-link">https?://[^/]+(/vragenlijst/[0-9a-f-]{36}/)<', html)
    assert code and link
    return code.group(1).replace(" ", ""), link.group(1)


@pytest.fixture
def code(invitation):  # type: ignore[no-untyped-def]
    return invitation[0]


def _open(client, code):  # type: ignore[no-untyped-def]
    response = client.post(reverse("questionnaire_start"), {"code": code})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_link_works_once(invitation, agreed):
    _code, link = invitation
    anonymous = Client()
    opened = anonymous.get(link)
    assert opened.status_code == 302 and opened["Location"] == reverse("questionnaire_answer")
    assert anonymous.get(opened["Location"]).status_code == 200
    assert anonymous.post(reverse("questionnaire_answer"), ANSWERS).status_code == 200
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.case_id, answer.plan_id, answer.q_ours) == (agreed.case_id, agreed.pk, 5)
    assert anonymous.post(reverse("questionnaire_answer"), ANSWERS).status_code == 404
    assert Client().get(link).status_code == 404  # the link again, from another browser
    assert QuestionnaireAnswer.objects.count() == 1


def test_the_short_code_works_once_typed_in_groups_and_lower_case(code):
    client = Client()
    assert _open(client, f"{code[:4].lower()} {code[4:]}").status_code == 200
    assert client.post(reverse("questionnaire_answer"), ANSWERS).status_code == 200
    again = Client().post(reverse("questionnaire_start"), {"code": code})
    assert again.status_code == 200 and "Deze code is niet (meer) geldig." in again.content.decode()


def test_an_expired_code_does_not_work(invitation):
    code, link = invitation
    QuestionnaireInvite.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get(link).status_code == 404
    assert Client().post(reverse("questionnaire_start"), {"code": code}).status_code == 200
    with pytest.raises(Exception, match="niet \\(meer\\) geldig"):
        services.questionnaire_answer(
            invite_id=QuestionnaireInvite.objects.get().pk, answers={k: 5 for k in ANSWERS if k != "remarks"}
        )
    assert not QuestionnaireAnswer.objects.exists()


def test_the_page_shows_nothing_of_the_household(code, agreed, members):
    html = _open(Client(), code).content.decode()
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
    client = Client()
    _open(client, code)
    client.post(reverse("questionnaire_answer"), ANSWERS)
    assert QuestionnaireAnswer.objects.count() == 1
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
    client = Client()
    _open(client, code)
    response = client.post(reverse("questionnaire_answer"), {"q_ours": "9"})
    assert response.status_code == 200 and "Kies een antwoord." in response.content.decode()
    assert not QuestionnaireAnswer.objects.exists()
    assert QuestionnaireInvite.objects.get().used_at is None


def test_no_questionnaire_for_a_draft(draft, regisseur):
    client = Client()
    client.force_login(regisseur)
    client.post(reverse("plan:questionnaire_invite", kwargs={"uuid": draft.case.uuid}))
    assert not QuestionnaireInvite.objects.exists()
