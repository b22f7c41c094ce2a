"""One visual language: one date format, Dutch placeholders, names and titles, a favicon."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.constants import Role
from tests.accounts.factories import TeamFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _templates() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.html")
        if not {".venv", "node_modules", "staticfiles", "screenshots"} & set(p.relative_to(ROOT).parts)
    ]


def test_templates_format_dates_only_through_the_sd_format_filters():
    offenders = []
    for path in _templates():
        for match in re.finditer(r"\|date:(\"[^\"]*\"|'[^']*')", path.read_text()):
            if match.group(1).strip("\"'") != "c":  # ISO 8601 for <time datetime="…">
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert len(_templates()) > 30
    assert offenders == []


def test_sd_format_filters_render_the_three_forms():
    import datetime as dt

    from django.template import Context, Template

    out = Template("{% load sd_format %}{{ d|datum }}|{{ d|datum_kort }}|{{ t|datumtijd }}").render(
        Context({"d": dt.date(2026, 11, 26), "t": dt.datetime(2026, 11, 26, 13, 5, tzinfo=dt.UTC)})
    )
    assert out == "26 november 2026|26-11-2026|26-11-2026 14:05"


def test_forms_show_dutch_select_placeholders():
    from accounts.models import User
    from intake.forms import TriageForm
    from tests.accounts.factories import UserFactory

    UserFactory()
    html = TriageForm(regisseurs=User.objects.all()).as_div()
    assert "---------" not in html
    assert "— Kies uitkomst van het advies —" in html and "— Kies regisseur —" in html


@pytest.mark.parametrize(
    "url",
    [
        "/beheer/accounts/team/add/",
        "/beheer/accounts/user/add/",
        "/beheer/accounts/organisation/add/",
        "/beheer/accounts/team/",
        "/beheer/accounts/user/",
        "/beheer/intake/domainageband/add/",
    ],
)
def test_admin_forms_and_action_menus_show_dutch_placeholders(client, make_user, url):
    from accounts.demo import functional_admin_group

    staff = make_user(Role.STAFF, team=TeamFactory(), is_staff=True)
    staff.groups.add(functional_admin_group())
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "---------" not in html
    assert "— Kies" in html


def test_team_name_is_not_doubled():
    team = TeamFactory(name="Sociaal wijkteam Lochem", municipality__name="Lochem")
    assert str(team) == "Sociaal wijkteam Lochem"
    other = TeamFactory(name="Expertiseteam", municipality__name="Zutphen")
    assert str(other) == "Expertiseteam (Zutphen)"


def test_csrf_failure_page_is_dutch(make_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/inloggen/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Formulier niet verstuurd – Sociaal Domein</title>" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html


def test_bad_request_page_is_dutch(rf):
    from socialdomain.errors import bad_request

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = bad_request(request)
    assert response.status_code == 400
    assert "<title>Ongeldig verzoek – Sociaal Domein</title>" in response.content.decode()


def test_not_found_page_is_dutch(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "<title>Pagina niet gevonden – Sociaal Domein</title>" in response.content.decode()


def test_every_page_links_the_favicon_and_it_is_served(client, make_user):
    client.force_login(make_user(Role.REGISSEUR))
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in html
    assert 'rel="icon" href="/static/img/favicon.ico"' in html
    anonymous = Client()
    redirect = anonymous.get("/favicon.ico")
    assert redirect.status_code == 302 and redirect["Location"] == "/static/img/favicon.ico"
    for name in ("favicon.svg", "favicon.ico"):
        assert (ROOT / "static" / "img" / name).stat().st_size > 100
