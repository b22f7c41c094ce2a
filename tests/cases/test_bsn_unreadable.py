"""A BSN that no configured key decrypts (a wrong or missing FIELD_ENCRYPTION_KEYS) is a key
problem: the case page still renders, shows "BSN niet leesbaar" and logs an error without
the token."""

import base64
import datetime
import logging

import pytest
from django.urls import reverse

from accounts.constants import Role
from cases import services
from cases.models import Person
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
VALID_BSN = "111222333"
OTHER_KEY = base64.urlsafe_b64encode(b"another-key-another-key-another!!").decode()


@pytest.fixture
def case_with_bsn(make_user, team):  # type: ignore[no-untyped-def]
    regisseur = make_user(Role.REGISSEUR, team=team)
    reader = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur)
    services.member_add_to_case(
        actor=regisseur,
        case=case,
        first_name="Myra",
        last_name="T",
        birth_date=datetime.date(2012, 1, 1),
        role="child",
        bsn=VALID_BSN,
    )
    services.case_share(actor=regisseur, case=case, user=reader, access="read")
    return case, regisseur, reader


@pytest.mark.parametrize("who", ["writer", "reader"])
def test_case_page_renders_an_undecryptable_bsn_as_unreadable(client, case_with_bsn, settings, caplog, who):
    case, regisseur, reader = case_with_bsn
    token = Person.objects.get(bsn_index__isnull=False).bsn_encrypted
    settings.FIELD_ENCRYPTION_KEYS = [OTHER_KEY]  # the environment lost the key that encrypted it

    client.force_login(regisseur if who == "writer" else reader)
    with caplog.at_level(logging.ERROR, logger="cases.bsn"):
        response = client.get(reverse("cases:section", args=[case.uuid, "gezin"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "BSN niet leesbaar" in body
    assert VALID_BSN not in body and "*****2333" not in body
    errors = [r for r in caplog.records if r.name == "cases.bsn" and r.levelno == logging.ERROR]
    assert errors, "the key problem must be logged"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert token not in logged and token[:20] not in logged
    assert VALID_BSN not in logged and OTHER_KEY not in logged


def test_a_readable_bsn_is_shown_and_nothing_is_logged(client, case_with_bsn, caplog):
    case, regisseur, _ = case_with_bsn
    client.force_login(regisseur)
    with caplog.at_level(logging.ERROR, logger="cases.bsn"):
        body = client.get(reverse("cases:section", args=[case.uuid, "gezin"])).content.decode()
    assert VALID_BSN in body
    assert "BSN niet leesbaar" not in body
    assert not [r for r in caplog.records if r.name == "cases.bsn"]


def test_unreadable_bsn_in_the_model():
    person = Person(first_name="A", last_name="B", birth_date=datetime.date(1990, 1, 1))
    assert person.bsn == "" and not person.bsn_unreadable and person.bsn_masked == ""
    person.set_bsn(VALID_BSN)
    assert person.bsn == VALID_BSN and person.bsn_masked == "*****2333"
    person.bsn_encrypted = "gAAAAA-not-a-token"
    person.__dict__.pop("_bsn_decrypted", None)
    assert person.bsn == "" and person.bsn_unreadable
    assert person.bsn_masked == "BSN niet leesbaar"
