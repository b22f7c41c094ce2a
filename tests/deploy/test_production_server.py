"""The production path end to end: the static build the Dockerfile runs, then gunicorn with
the PRODUCTION settings against a migrated PostgreSQL test database and the real Redis.

Fetched as a browser behind a TLS-terminating proxy would (X-Forwarded-Proto: https, so
the secure `__Host-` cookies and CSRF's origin check work; SECURE_SSL_REDIRECT off because
there is no TLS on loopback): the login page, a case page as a regisseur who logs in
through the real form and second factor (OTP is required in production, so the test user
has a TOTP device and the test computes its current code), an admin page as a functional
administrator, and a hashed static asset. All must be 200.
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from accounts.constants import Role
from tests.accounts.otp_helpers import confirmed_totp_device, totp_token
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.production

ROOT = Path(settings.BASE_DIR)
HOST = "sociaaldomein.example.invalid"
PASSWORD = "correct-horse-battery-staple"  # tests/accounts/factories.py


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one static build (scripts/build-static.sh), into a temporary STATIC_ROOT."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = {**os.environ, "STATIC_ROOT": str(root), "PYTHON": sys.executable}
    result = subprocess.run(
        ["/bin/bash", "scripts/build-static.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "staticfiles.json").is_file()
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """A tiny HTTP client that keeps cookies and speaks as if behind an HTTPS proxy."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "User-Agent": "production-path-test"}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """GET the form page for its CSRF token, then POST it like the browser would."""
        status, _, page = self.get(path)
        assert status == 200, (path, status, page[:2000])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:2000]
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **data})


@pytest.fixture
def gunicorn(static_root: Path, transactional_db: None, tmp_path: Path) -> Iterator[int]:
    """gunicorn with socialdomain.settings.production on the (committed) test database."""
    port = _free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # The test settings' keys, so the BSNs the factories stored decrypt.
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    # Production defaults, not whatever the test process or the shell set.
    for name in ("DEBUG", "OTP_REQUIRED", "CONN_MAX_AGE", "REPORTING_DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "socialdomain.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if Browser(port).get("/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer /health:\n" + log_path.read_text()
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            process.kill()
            process.wait()
    # A 500 logs a traceback: none may have happened.
    assert "Traceback" not in log_path.read_text(), log_path.read_text()


def _with_production_password(user):  # type: ignore[no-untyped-def]
    """The test settings hash with MD5 (fast), which production does not accept."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def _log_in(browser: Browser, user, device) -> None:  # type: ignore[no-untyped-def]
    status, headers, _ = browser.post_form(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert status == 302, status
    assert headers["location"] == reverse("home")
    assert "__Host-sessionid" in browser.cookies
    # OTP is required in production: the home page sends us to the second factor.
    status, headers, _ = browser.get(reverse("home"))
    assert status == 302
    assert headers["location"].startswith(reverse("otp_verify"))
    status, headers, _ = browser.post_form(reverse("otp_verify"), {"token": totp_token(device)})
    assert status == 302, status


def test_production_server_serves_login_case_admin_and_hashed_static(gunicorn, make_user, team):
    port = gunicorn
    regisseur = _with_production_password(make_user(Role.REGISSEUR, team=team))
    case = CaseFactory(team=team, regisseur=regisseur)
    person = case.household.members.get().person
    person.set_bsn("111222333")
    person.save()
    beheerder = _with_production_password(make_user(Role.STAFF, team=team, is_staff=True))
    beheerder.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="view_team"))

    anonymous = Browser(port)
    status, _, login_page = anonymous.get(reverse("login"))
    assert status == 200, login_page[:3000]
    assert "Inloggen" in login_page

    # A hashed static asset from the manifest, served by WhiteNoise with a far-future cache.
    asset = re.search(r'href="(/static/vendor/utrecht-theme\.[0-9a-f]{12}\.css)"', login_page)
    assert asset, login_page[:3000]
    status, headers, css = anonymous.get(asset.group(1))
    assert status == 200
    assert "immutable" in headers.get("cache-control", "")
    assert "--utrecht" in css

    browser = Browser(port)
    _log_in(browser, regisseur, confirmed_totp_device(regisseur))
    status, _, page = browser.get(reverse("cases:detail", args=[case.uuid]))
    assert status == 200, page[:3000]
    assert case.number in page
    assert "BSN niet leesbaar" not in page

    admin = Browser(port)
    _log_in(admin, beheerder, confirmed_totp_device(beheerder))
    status, _, page = admin.get(reverse("admin:accounts_team_changelist"))
    assert status == 200, page[:3000]
    assert team.name in page
    admin_css = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
    assert admin_css, page[:3000]
    assert admin.get(admin_css.group(1))[0] == 200
