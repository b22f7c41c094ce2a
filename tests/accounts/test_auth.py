import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.constants import Role

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl"' in content
    assert "Inloggen" in content
    assert "Gebruikersnaam" in content


def test_wrong_password_shows_dutch_error_and_keeps_user_out(client, make_user):
    user = make_user(Role.REGISSEUR)
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_locks_out_after_repeated_wrong_passwords(client, make_user, settings):
    user = make_user(Role.REGISSEUR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    # Now even the right password is refused, with a clear Dutch message.
    response = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 429
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_ip(client, make_user, settings):
    victim = make_user(Role.REGISSEUR)
    other = make_user(Role.REGISSEUR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": victim.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": other.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_correct_login_redirects_home(client, make_user):
    user = make_user(Role.REGISSEUR)
    response = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def _plain_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every route without URL parameters, so it can be requested as is."""
    resolver = resolver or get_resolver()
    routes: list[str] = []
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += _plain_routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern) and "<" not in pattern and "(?P" not in pattern:
            routes.append("/" + (prefix + pattern).lstrip("^").rstrip("$").replace("\\Z", "").replace("^", ""))
    return routes


# The client-experience questionnaire is answered without login (plan app, docs/plan.md).
PUBLIC = {
    "/inloggen/",
    "/health",
    "/favicon.ico",
    "/beheer/login/",
    "/beheer/logout/",
    "/vragenlijst/",
    "/vragenlijst/antwoorden/",
}


def _app_routes_with_uuid() -> list[str]:
    """Our own routes whose only parameters are UUIDs, filled with a random UUID."""
    import re
    import uuid

    routes: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            pattern = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not pattern.startswith("beheer"):
                    walk(entry, prefix + pattern)
            elif "<uuid:" in pattern and not re.search(r"<(?!uuid:)", pattern):
                routes.append("/" + re.sub(r"<uuid:\w+>", str(uuid.uuid4()), prefix + pattern))

    walk(get_resolver(), "")
    return routes


def test_anonymous_user_is_sent_to_login_from_every_case_and_intake_page(client):
    # The questionnaire link is public by design (tests/plan/test_questionnaire.py); the partner
    # API answers a missing bearer token with 401, not a login redirect (tests/partners/).
    routes = [r for r in _app_routes_with_uuid() if not r.startswith(("/vragenlijst/", "/api/v1/"))]
    assert any(r.startswith("/dossiers/") for r in routes) and any(r.startswith("/aanmeldingen/") for r in routes)
    for route in routes:
        for method in (client.get, client.post):
            response = method(route)
            assert response.status_code == 302, route
            assert response.url.startswith("/inloggen/"), (route, response.url)


def test_anonymous_user_is_sent_to_login_from_every_page(client):
    # The partner API (/api/v1/) has no login page: 401 without a token (tests/partners/).
    routes = [r for r in _plain_routes() if r not in PUBLIC and not r.startswith(("/static/", "/api/v1/"))]
    assert "/" in routes and "/wachtwoord/" in routes  # the walk found the app's pages
    for route in routes:
        response = client.get(route)
        assert response.status_code == 302, route
        assert "/inloggen/" in response.url or "/beheer/login/" in response.url, (route, response.url)


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.REGISSEUR, ["Overzicht"], ["Budget", "Beheer"]),
        (Role.CONTROLLER, ["Overzicht"], ["Beheer"]),
        (Role.STAFF, ["Overzicht", "Beheer"], ["Budget"]),
    ],
)
def test_each_role_sees_its_own_navigation(client, make_user, role, visible, hidden):
    client.force_login(make_user(role))
    response = client.get(reverse("home"))
    nav = response.content.decode().split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav


def test_logout_ends_the_session(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_unknown_page_answers_dutch_404(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_anonymous_partner_api_calls_get_401_not_a_login_page(client):
    """The API's own pages are public (schema, docs, token endpoint); every resource needs a token."""
    for route in [r for r in _plain_routes() + _app_routes_with_uuid() if r.startswith("/api/v1/")]:
        response = client.get(route)
        if route in ("/api/v1/openapi.json", "/api/v1/docs"):
            assert response.status_code == 200, route
        elif route == "/api/v1/oauth/token":
            assert response.status_code in (400, 405), route  # OAuth error, never a login redirect
        else:
            assert response.status_code in (401, 404, 405), (route, response.status_code)
            assert response["Content-Type"] == "application/problem+json", route
