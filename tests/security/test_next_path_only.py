"""`?next=` after login keeps only the path: never a query string (docs/security.md)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.constants import Role
from socialdomain.redirects import strip_next_query
from tests.accounts.factories import TeamFactory

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-2026"


def _next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["next"][0]


def test_the_login_redirect_of_a_page_with_a_query_string_keeps_only_the_path(client):
    response = client.get("/dossiers/?q=Jansen&bsn=111222333")
    assert response.status_code == 302
    location = response["Location"]
    assert _next_of(location) == "/dossiers/"
    assert "Jansen" not in location and "111222333" not in location and "%3F" not in location


def test_the_admin_login_redirect_keeps_only_the_path(client):
    response = client.get("/beheer/cases/case/?q=Jansen")
    assert response.status_code == 302
    assert "Jansen" not in response["Location"]
    assert _next_of(response["Location"]) == "/beheer/cases/case/"


def test_the_login_page_and_the_login_itself_drop_a_query_string_in_next(client, make_user):
    user = make_user(Role.REGISSEUR, team=TeamFactory(), password=PASSWORD)
    page = client.get(reverse("login"), {"next": "/dossiers/?q=Jansen"}).content.decode()
    assert 'name="next" value="/dossiers/"' in page
    assert "Jansen" not in page
    response = client.post(
        reverse("login") + "?next=/dossiers/%3Fq%3DJansen",
        {"username": user.username, "password": PASSWORD, "next": "/dossiers/?q=Jansen#frag"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dossiers/"


def test_a_foreign_or_protocol_relative_next_goes_home(client, make_user):
    user = make_user(Role.REGISSEUR, team=TeamFactory(), password=PASSWORD)
    for bad in ("https://evil.example/x?q=1", "//evil.example/", "http://testserver//evil.example/"):
        client.logout()
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": bad})
        assert response.status_code == 302
        assert "evil" not in response["Location"], bad


@override_settings(OTP_REQUIRED=True)
def test_the_two_factor_redirect_keeps_only_the_path(client, make_user):
    user = make_user(Role.REGISSEUR, team=TeamFactory())
    client.force_login(user)
    response = client.get("/dossiers/?q=Jansen")
    assert response.status_code == 302
    assert "Jansen" not in response["Location"]
    assert _next_of(response["Location"]) == "/dossiers/"
    # and the set-up page passes on the path only
    page = client.get(response["Location"] + "%3Fq%3DJansen").content.decode()
    assert "Jansen" not in page


def test_strip_next_query_keeps_other_parameters_and_urls_without_next():
    assert strip_next_query("/inloggen/?next=/a/%3Fq%3Dx&lang=nl") == "/inloggen/?next=%2Fa%2F&lang=nl"
    assert strip_next_query("/dossiers/?pagina=2") == "/dossiers/?pagina=2"
    assert strip_next_query("/inloggen/?next=https://evil.example/x") == "/inloggen/?next=%2Fx"
