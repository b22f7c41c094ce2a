"""The shell in a real browser: login, home and admin index, each checked by axe-core."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from accounts.constants import Role
from tests.browser.fixtures import assert_accessible, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


def test_login_page_is_accessible_and_login_works(page, live_server, make_user):
    user = make_user(Role.REGISSEUR, first_name="Anne")
    page.goto("/")
    assert "/inloggen/" in page.url
    assert_accessible(page)
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welkom, Anne"


def test_home_is_accessible_for_each_role(page, live_server, make_user):
    for role in (Role.REGISSEUR, Role.CONTROLLER):
        user = make_user(role)
        page.context.clear_cookies()
        login_as(page, user, live_server.url)
        page.goto("/")
        assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()
        assert_accessible(page)


def test_admin_index_is_dutch_and_accessible(page, live_server, make_user):
    from tests.accounts.factories import TeamFactory

    staff = make_user(Role.STAFF, team=TeamFactory(), is_staff=True)
    from accounts.demo import functional_admin_group

    staff.groups.add(functional_admin_group())
    login_as(page, staff, live_server.url)
    page.goto("/beheer/")
    assert page.get_by_role("heading", name="Functioneel beheer").is_visible()
    assert page.get_by_role("link", name="Teams").is_visible()
    assert_accessible(page)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readme_run_command_serves_demo_on_sqlite_without_services(browser, tmp_path):
    """`make demo` on an embedded SQLite database with no broker: demo users can log in."""
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings.dev",
        # No broker configured: point at nothing to prove none is needed.
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (tmp_path / "demo.log").open("w")
    proc = subprocess.Popen(
        ["/usr/bin/make", "demo"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "demo.log").read_text()
                time.sleep(1)
        else:
            pytest.fail("the demo server did not start:\n" + (tmp_path / "demo.log").read_text())
        output = (tmp_path / "demo.log").read_text()
        assert "regisseur" in output and "demo-wachtwoord-2026" in output
        assert f"http://127.0.0.1:{port}/" in output
        # A fresh demo prints no warnings: no system-check warnings (models.W040 on SQLite),
        # no WhiteNoise "No directory at: staticfiles/", nothing from Python's warnings.
        for warning in ("WARNING", "Warning", "W040", "No directory at", "System check identified some issues"):
            assert warning not in output, output

        context = browser.new_context(base_url=f"http://127.0.0.1:{port}")
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Gebruikersnaam").fill("regisseur")
        page.get_by_label("Wachtwoord").fill("demo-wachtwoord-2026")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"http://127.0.0.1:{port}/")
        assert "Welkom, Anne" in page.inner_text("h1")
        # The main pages work on SQLite too (the suite itself runs on PostgreSQL).
        page.get_by_role("link", name="Mijn dossiers").click()
        page.get_by_role("link", name="2026-00001").click()
        assert "Gezin Chantal en Myra" in page.inner_text("h1")
        page.get_by_role("link", name="Aanmeldingen").first.click()
        assert page.inner_text("h1").startswith("Aanmeldingen")
        # A wrong URL shows the Dutch 404 page, not Django's debug page listing the URL patterns.
        response = page.goto("/bestaat-niet/")
        assert response is not None and response.status == 404
        assert page.inner_text("h1") == "Pagina niet gevonden"
        assert page.title() == "Pagina niet gevonden – Sociaal Domein"
        assert "URLconf" not in page.content() and "DEBUG = True" not in page.content()
        # Static files are served with DEBUG off (WhiteNoise), the favicon included.
        assert page.request.get("/static/img/favicon.svg").status == 200
        assert page.request.get("/static/css/app.css").status == 200
        context.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()
