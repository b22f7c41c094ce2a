"""The session-wide scanner (tests/pii_scanner.py) catches a name or BSN that leaks into a log
line or a Celery task payload, and stays quiet for ids."""

import logging

import pytest

from cases.tasks import notify_break_glass
from tests.cases.factories import PersonFactory
from tests.pii_scanner import LeakScanner, connect, disconnect, session_scanner_paused

pytestmark = pytest.mark.django_db

BSN = "111222333"


@pytest.fixture
def scanner():  # type: ignore[no-untyped-def]
    own = LeakScanner()
    with session_scanner_paused():
        hooks = connect(own)
        try:
            yield own
        finally:
            disconnect(hooks)


def test_the_scanner_catches_a_name_in_a_log_line(scanner):
    PersonFactory(first_name="Chantal", last_name="Lekkerkerker", bsn=BSN)
    logging.getLogger("cases.services").info("person %s saved", "Lekkerkerker")
    (finding,) = scanner.findings()
    assert "log cases.services" in finding and "Lekkerkerker" in finding


def test_the_scanner_catches_a_bsn_in_a_debug_line_and_an_exception(scanner):
    PersonFactory(first_name="Chantal", last_name="Lekkerkerker", bsn=BSN)
    try:
        raise ValueError(f"bad bsn {BSN}")
    except ValueError:
        logging.getLogger("somewhere.deep").debug("failed", exc_info=True)
    (finding,) = scanner.findings()
    assert "BSN" in finding and "somewhere.deep" in finding


def test_the_scanner_catches_a_bsn_in_task_arguments(scanner):
    PersonFactory(first_name="Chantal", last_name="Lekkerkerker", bsn=BSN)
    # An eager run goes through Celery's task_prerun like a worker's: the payload is seen.
    notify_break_glass.apply(args=[BSN], throw=False)
    findings = scanner.findings()
    assert any("celery run" in f and BSN in f for f in findings), findings


def test_the_scanner_ignores_ids_short_names_and_words_inside_words(scanner):
    person = PersonFactory(first_name="Bo", last_name="Smit", bsn=BSN)
    logging.getLogger("cases").info("person %s saved, case 2026-0001, %s", person.pk, "Smitsweg 1111222333")
    assert scanner.findings() == []


def test_a_name_that_is_also_a_route_word_or_http_method_is_not_a_leak(scanner):
    PersonFactory(first_name="Post", last_name="Advies")
    logging.getLogger("django.request").warning("Method Not Allowed (POST): /dossiers/x/advies/")
    assert scanner.findings() == []
