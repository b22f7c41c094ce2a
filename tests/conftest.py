"""Shared fixtures: real PostgreSQL (pytest-django), real Redis + in-process Celery worker,
headless Chromium through Playwright with an axe-core check."""

import os

import pytest
import redis
from django.conf import settings

from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory

# tests.pii_scanner fails the run when a test person's name or BSN shows up in a log line or a
# Celery payload (issue 16; docs/security.md).
pytest_plugins = ["tests.browser.fixtures", "tests.pii_scanner"]


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
    # to run while one is active unless told it is safe (it is: one thread, no awaits).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def redis_available() -> None:
    """Integration tests need the real Redis: an unreachable one fails, never skips."""
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:  # pragma: no cover - a broken machine
        pytest.fail(f"Redis at {settings.CELERY_BROKER_URL} is unreachable: {exc}")


@pytest.fixture
def celery_worker(redis_available, transactional_db):  # type: ignore[no-untyped-def]
    """A real Celery worker (thread in this process) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from socialdomain.celery import app

    # Each xdist worker gets its own queue so parallel tests do not steal each other's tasks.
    queue = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    app.conf.task_default_queue = queue
    with start_worker(app, perform_ping_check=False, queues=[queue], pool="solo", shutdown_timeout=10) as worker:
        yield worker
    app.conf.task_default_queue = "celery"


@pytest.fixture
def team(db):  # type: ignore[no-untyped-def]
    return TeamFactory()


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    """make_user(role, team=None) → a user holding that role in the team."""

    def _make(role: str, team=None, **kwargs):  # type: ignore[no-untyped-def]
        user = UserFactory(**kwargs)
        MembershipFactory(user=user, team=team or TeamFactory(), role=role)
        return user

    return _make
