"""Personal data (BSN, names, free text) never in URLs, logs, task arguments or error reports.

docs/security.md, "Personal data never in URLs, logs, task arguments". These tests pin the
places where it could leak: the request logger, error reports, Celery task signatures, URL
patterns, logging calls in our code and the health check.
"""

import inspect
import logging
import re
import sys
import typing
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.views.debug import ExceptionReporter, get_exception_reporter_filter

from accounts.constants import Role
from cases import services
from tests.cases.factories import CaseFactory, HouseholdFactory, PersonFactory

VALID_BSN = "111222333"
NAME = "Gezin Vermeulen-Abdi"
APPS = ["accounts", "arrangements", "audit", "budget", "cases", "intake", "socialdomain", "subjectaccess"]
ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_request_logger_logs_the_path_but_never_the_query_string(client, make_user, team, caplog):
    client.force_login(make_user(Role.REGISSEUR, team=team))
    missing = reverse("cases:detail", args=[uuid.uuid4()])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(missing, {"q": NAME, "bsn": VALID_BSN}).status_code == 404

    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in logged] == [f"Not Found: {missing}"]
    text = caplog.text
    assert "Vermeulen" not in text and VALID_BSN not in text


@pytest.mark.django_db
def test_a_refused_csrf_post_logs_the_path_and_not_the_posted_name(make_user, team, caplog):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user(Role.REGISSEUR, team=team))
    with caplog.at_level(logging.WARNING):
        assert strict.post(reverse("cases:list"), {"q": NAME}).status_code == 403
    assert "/dossiers/" in caplog.text
    assert "Vermeulen" not in caplog.text


def test_error_reports_mask_every_posted_value(rf, settings):
    settings.DEBUG = False
    request = rf.post("/dossiers/nieuw/", {"bsn": VALID_BSN, "household_name": NAME, "text": "Zorgen over de kinderen"})
    assert get_exception_reporter_filter(request).get_post_parameters(request).dict() == {
        "bsn": "********************",
        "household_name": "********************",
        "text": "********************",
    }
    try:
        raise ValueError("boom")
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "bsn" in report  # the field names stay, for debugging
    assert VALID_BSN not in report and "Vermeulen" not in report and "Zorgen" not in report


def test_celery_tasks_take_only_ids():
    from socialdomain.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.split(".")[0] in APPS}
    assert "cases.tasks.notify_break_glass" in ours
    for name, task in ours.items():
        hints = typing.get_type_hints(task.run)
        for param in inspect.signature(task.run).parameters:
            assert hints.get(param) in (int, uuid.UUID), f"{name}({param}): task arguments are ids only"
            assert param.endswith(("_id", "_uuid")), f"{name}({param}): name an id argument *_id or *_uuid"


def _patterns(resolvers, prefix=""):  # type: ignore[no-untyped-def]
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's own: object ids and app labels, no search on personal data (cases/admin.py)
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_url_patterns_take_only_uuids_or_integers():
    """No <str:>, <slug:> or <path:> parameter a name or BSN could be put into."""
    from cases.urls import SectionKeyConverter
    from reports.urls import OutputFormatConverter

    seen = 0
    for route, pattern in _patterns(get_resolver().url_patterns):
        converters = getattr(pattern, "converters", {})
        for name, converter in converters.items():
            seen += 1
            # The case page's tab is a registered section key and a report's output a format
            # (fixed vocabularies), not data.
            allowed = (UUIDConverter, IntConverter, SectionKeyConverter, OutputFormatConverter)
            assert isinstance(converter, allowed), f"{route}: <{name}> must be a uuid or an id"
        if not converters:
            assert "(?P<" not in str(pattern.regex.pattern) or route.startswith(("static", "media")), route
    assert seen > 10


LOG_CALL = re.compile(r"\b(?:logger|logging|log)\.(?:debug|info|warning|warn|error|exception|critical|log)\(")
# Reviewed logging calls: "<path>:<snippet>". Each must log ids and counts only, never
# names, BSNs or free text. Add a call here only after that review.
REVIEWED_LOG_CALLS: set[str] = {
    # An undecryptable BSN: the person's id and a fixed text, never the token or a key
    # (tests/cases/test_bsn_unreadable.py checks the record).
    "cases/bsn.py:logger.error(",
    # A failed subject-access export: its row id only (the traceback names no person data).
    'subjectaccess/services.py:logger.exception("subject-access export %s failed", export_id)',
}


def test_our_code_logs_only_through_reviewed_calls_and_never_prints():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line in path.read_text().splitlines():
                if LOG_CALL.search(line):
                    found.add(f"{path.relative_to(ROOT)}:{line.strip()}")
                assert not re.match(r"\s*print\(", line), f"{path}: print() ends up in the logs"
    assert found <= REVIEWED_LOG_CALLS, f"unreviewed logging calls: {sorted(found - REVIEWED_LOG_CALLS)}"


@pytest.mark.django_db
def test_health_reveals_only_component_states(client, make_user, team):
    regisseur = make_user(Role.REGISSEUR, team=team)
    case = CaseFactory(team=team, regisseur=regisseur, household=HouseholdFactory(name=NAME))
    person = PersonFactory(bsn=VALID_BSN, last_name="Vermeulen")
    services.member_add(actor=regisseur, household=case.household, person=person, role="parent", case=case)

    response = client.get("/health")  # anonymous

    assert response.status_code == 200
    body = response.json()
    assert set(body) <= {"status", "database", "redis", "celery"}
    assert all(isinstance(v, str) and len(v) < 40 for v in body.values())
    text = response.content.decode()
    assert VALID_BSN not in text and "Vermeulen" not in text and case.number not in text


CACHE_CALL = re.compile(
    r"\bcaches?\b\s*(?:\[[^\]]*\])?\s*\.\s*(?:get|set|add|incr|decr|delete|get_or_set|set_many|get_many|touch)\("
)
CACHE_IMPORT = re.compile(r"from django\.core\.cache import|import django\.core\.cache|cache_page|cache_key")


# Reviewed: the partner API's throttle keys on the API client's database id (no personal data).
REVIEWED_CACHE_KEYS = {"partners/api/auth.py:def get_cache_key(self, request: Any, view: Any) -> str | None:"}


def test_our_code_uses_no_cache_keys_of_its_own():
    """No personal data in cache keys: our apps build none. The keys in use are Django's
    (sessions: random keys) and DRF's throttles (user id or client IP). A new cache use must
    be reviewed (ids only in the key) and this test adapted."""
    found = []
    for app in [*APPS, "plan", "partners", "reports", "retention", "subjectaccess"]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if f"{path.relative_to(ROOT)}:{line.strip()}" in REVIEWED_CACHE_KEYS:
                    continue
                if CACHE_CALL.search(line) or CACHE_IMPORT.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], found


def test_the_log_formatter_masks_a_bsn_but_not_other_numbers(capsys):
    import logging

    from socialdomain.logformat import MASK, PersonalDataFormatter

    formatter = PersonalDataFormatter("%(message)s")
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "lookup %s failed (case %s)", (VALID_BSN, 123456789), None
    )
    text = formatter.format(record)
    assert VALID_BSN not in text and MASK in text
    assert "123456789" in text  # nine digits that fail the 11-test stay
    assert record.getMessage().startswith(f"lookup {VALID_BSN}")  # the record itself is unchanged
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler.formatter, PersonalDataFormatter)  # the configured console handler
