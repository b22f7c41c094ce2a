"""A pytest plugin: no test person's name or BSN in the application log or in Celery payloads.

Issue 16 item 6 ("a test scans the application log and the Celery task payloads of a full
test run"). During the whole session:

- a logging handler on the root logger at DEBUG captures every record of every logger
  (message, arguments and exception text), except the loggers in `IGNORED_LOGGERS`:
  test tooling (factory_boy logs the keyword arguments of every factory call at DEBUG,
  Faker its locale) and the SQL logger `django.db.backends`, whose "log" is the database
  itself (it only logs with a debug cursor, which query-count tests switch on);
- Celery's `before_task_publish` (what goes to the broker) and `task_prerun` (what a
  worker, or an eager call, runs with) capture the arguments of every task;
- `post_save` of `cases.Person` records each test person's first and last name (only
  those of at least `MIN_NAME_LENGTH` characters, so "Ali" or "Bo" do not match words in
  ordinary log lines) and BSN.

Names that are also words of the application's own log lines cannot be told apart from
them and are not searched for: HTTP method names ("Method Not Allowed (POST): …") and the
literal segments of our URL patterns ("Not Found: /dossiers/…/advies/"), see `stop_words`.

At the end every captured text is searched for every recorded name and BSN (whole words,
case-insensitive). A hit fails the run: the exit status becomes 1 and the terminal summary
lists each leak with where it was seen. With xdist each worker checks its own captures and
hands its findings to the controller (`workeroutput`), which fails the whole run.

A test that must plant a leak on purpose (to prove the scanner works) does so inside
`session_scanner_paused()`, with a scanner of its own.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

MIN_NAME_LENGTH = 4
IGNORED_LOGGERS = ("factory", "faker", "django.db.backends")
WORKER_KEY = "pii_leaks"


@dataclass
class LeakScanner:
    """Collects texts and personal data, and says which data appear in which texts."""

    names: set[str] = field(default_factory=set)
    bsns: set[str] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)  # text -> where it was seen
    paused: bool = False

    def add_person(self, *, first_name: str, last_name: str, bsn: str) -> None:
        if self.paused:
            return
        for name in (first_name, last_name):
            name = (name or "").strip()
            if len(name) >= MIN_NAME_LENGTH:
                self.names.add(name)
        if bsn:
            self.bsns.add(bsn)

    def add_text(self, text: str, *, where: str) -> None:
        if not self.paused and text:
            self.texts.setdefault(text, where)

    def findings(self) -> list[str]:
        stop = stop_words()
        names = {n for n in self.names if n.lower() not in stop}
        terms = sorted(names | self.bsns, key=len, reverse=True)
        if not terms or not self.texts:
            return []
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)
        found = []
        for text, where in self.texts.items():
            match = pattern.search(text)
            if match:
                kind = "BSN" if match.group(1) in self.bsns else "naam"
                found.append(f"{where}: {kind} {match.group(1)!r} in {text[:300]!r}")
        return found


HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def stop_words() -> set[str]:
    """HTTP methods and every literal word of the URL map (lower case): they appear in
    Django's request log lines as part of the path, not as anybody's name."""
    from django.urls import URLResolver, get_resolver

    words = set(HTTP_METHODS)

    def walk(patterns: list[Any]) -> None:
        for entry in patterns:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", str(entry.pattern)))
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)

    walk(get_resolver().url_patterns)
    return words


class _CaptureHandler(logging.Handler):
    def __init__(self, scanner: LeakScanner) -> None:
        super().__init__(level=logging.DEBUG)
        self.scanner = scanner

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(IGNORED_LOGGERS):
            return
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call still shows its raw parts
            text = f"{record.msg} {record.args}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.scanner.add_text(text, where=f"log {record.name}")


_session_scanner: LeakScanner | None = None


@contextlib.contextmanager
def session_scanner_paused() -> Iterator[None]:
    """Let a test plant personal data on purpose without failing the session's own scan."""
    scanner = _session_scanner
    if scanner is None:
        yield
        return
    scanner.paused = True
    try:
        yield
    finally:
        scanner.paused = False


def connect(scanner: LeakScanner) -> tuple[Any, ...]:
    """Hook `scanner` to logging, Celery and Person saves; returns what `disconnect` needs."""
    from celery.signals import before_task_publish, task_prerun
    from django.db.models.signals import post_save

    from cases.models import Person

    handler = _CaptureHandler(scanner)
    root = logging.getLogger()
    previous_level = root.level
    # The root logger goes to DEBUG so the handler sees everything; the handlers already
    # there (the console) keep printing only what they printed before.
    for existing in root.handlers:
        if existing.level < previous_level:
            existing.setLevel(previous_level)
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)

    def on_publish(sender: Any = None, body: Any = None, headers: Any = None, **kwargs: Any) -> None:
        scanner.add_text(f"{sender} {body!r} {headers!r}", where="celery publish")

    def on_prerun(sender: Any = None, task_id: Any = None, task: Any = None, args: Any = None, **kwargs: Any) -> None:
        scanner.add_text(f"{sender} {args!r} {kwargs.get('kwargs')!r}", where="celery run")

    def on_person_save(sender: Any, instance: Any, **kwargs: Any) -> None:
        try:
            bsn = instance.bsn or ""
        except Exception:  # noqa: BLE001 - an unreadable BSN (rotated keys test) is no BSN to look for
            bsn = ""
        scanner.add_person(first_name=instance.first_name, last_name=instance.last_name, bsn=bsn)

    before_task_publish.connect(on_publish, weak=False)
    task_prerun.connect(on_prerun, weak=False)
    post_save.connect(on_person_save, sender=Person, weak=False)
    return (handler, previous_level, on_publish, on_prerun, on_person_save)


def disconnect(hooks: tuple[Any, ...]) -> None:
    from celery.signals import before_task_publish, task_prerun
    from django.db.models.signals import post_save

    from cases.models import Person

    handler, previous_level, on_publish, on_prerun, on_person_save = hooks
    root = logging.getLogger()
    root.removeHandler(handler)
    root.setLevel(previous_level)
    before_task_publish.disconnect(on_publish)
    task_prerun.disconnect(on_prerun)
    post_save.disconnect(on_person_save, sender=Person)


# --- pytest hooks ----------------------------------------------------------------------
_hooks: tuple[Any, ...] | None = None
_leaks: list[str] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    global _session_scanner, _hooks
    if getattr(session.config.option, "collectonly", False):
        return
    if _is_xdist_controller(session.config):
        return  # the workers scan; the controller only gathers their findings
    _session_scanner = LeakScanner()
    _hooks = connect(_session_scanner)


def _is_xdist_controller(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: a worker's findings (its `workeroutput`)."""
    _leaks.extend(getattr(node, "workeroutput", {}).get(WORKER_KEY, []))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _hooks
    if _session_scanner is not None and _hooks is not None:
        disconnect(_hooks)
        _hooks = None
        found = _session_scanner.findings()
        if hasattr(session.config, "workerinput"):
            session.config.workeroutput[WORKER_KEY] = found  # type: ignore[attr-defined]
        _leaks.extend(found)
    if _leaks and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _leaks and not hasattr(config, "workerinput"):
        terminalreporter.section("personal data in logs or task payloads", sep="=", red=True, bold=True)
        for line in _leaks:
            terminalreporter.write_line(line)
