"""Security headers, cookies, CSP and CSRF as the production settings emit them."""

import importlib
import re
import sys

import pytest
from django.test import Client
from django.urls import reverse

from accounts.constants import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
HTTPS = {"X-Forwarded-Proto": "https"}  # as set by the TLS-terminating proxy

# The settings that decide headers and cookies; taken from production.py itself so the
# test follows any change there.
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CONTENT_SECURITY_POLICY",
]


@pytest.fixture
def production_security(monkeypatch, settings):  # type: ignore[no-untyped-def]
    for name, value in {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0=",
        "BLIND_INDEX_KEY": "k",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("socialdomain.settings.production", None)
    production = importlib.import_module("socialdomain.settings.production")
    sys.modules.pop("socialdomain.settings.production", None)
    for name in SECURITY_SETTINGS:
        setattr(settings, name, getattr(production, name))
    return production


def test_production_responses_carry_the_security_headers(production_security):
    response = Client().get(reverse("login"), headers=HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https(production_security):
    response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response.url.startswith("https://")


def test_production_cookies_are_secure_httponly_and_samesite(production_security, make_user):
    user = make_user(Role.REGISSEUR)
    client = Client()
    page = client.get(reverse("login"), headers=HTTPS)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax" and csrf["path"] == "/"
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, headers=HTTPS)
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert not session["domain"]  # __Host- cookies may not set a domain


def _csp_directives(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/inloggen/", "/", "/beheer/"])
def test_csp_is_sent_and_never_allows_inline_or_eval_scripts(client, make_user, path):
    if path != "/inloggen/":
        client.force_login(make_user(Role.STAFF, is_staff=True, is_superuser=True))
    response = client.get(path)
    assert response.status_code == 200
    directives = _csp_directives(response)
    script_src = directives["script-src"]
    # Only our origin (and a real per-request nonce when a template uses one).
    assert script_src[0] == "'self'"
    assert all(re.fullmatch(r"'nonce-[A-Za-z0-9+/=]+'", source) for source in script_src[1:]), script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["style-src"]


def test_a_template_that_uses_the_nonce_gets_it_in_the_header(rf, make_user):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')

    def view(request):  # type: ignore[no-untyped-def]
        return HttpResponse(template.render({}, request))

    request = rf.get("/")
    response = CSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in _csp_directives(response)["script-src"]


def test_pages_contain_no_inline_scripts_event_handlers_or_style_attributes(client, make_user):
    client.force_login(make_user(Role.STAFF, is_staff=True, is_superuser=True))
    for path in ["/", "/beheer/", reverse("otp_setup"), reverse("password_change")]:
        content = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", content), path
        assert not re.search(r"\son[a-z]+\s*=", content), path
        assert not re.search(r"\sstyle\s*=", content), path


def test_htmx_post_needs_the_csrf_token_from_the_page(make_user):
    from tests.accounts.otp_helpers import confirmed_totp_device, totp_token

    user = make_user(Role.REGISSEUR)
    device = confirmed_totp_device(user)
    client = Client(enforce_csrf_checks=True)
    login_page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.content.decode()).group(1)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    page = client.get(reverse("otp_verify"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    client.post(reverse("otp_verify"), {"token": totp_token(device), "csrfmiddlewaretoken": token})

    page = client.get(reverse("otp_backup_codes"))
    assert page.status_code == 200
    # base.html hands htmx the token through hx-headers on <body>.
    header_token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page.content.decode()).group(1)

    without = client.post(reverse("otp_backup_codes"), headers={"HX-Request": "true"})
    assert without.status_code == 403

    with_token = client.post(reverse("otp_backup_codes"), headers={"HX-Request": "true", "X-CSRFToken": header_token})
    assert with_token.status_code == 200
    assert with_token.content.decode().count("<code>") == 10
