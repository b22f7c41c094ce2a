"""A user who may not see a case gets 404 on every route that names it, for GET and POST."""

import re
import uuid

import pytest
from django.urls import URLResolver, get_resolver

from accounts.constants import Role
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory


def _case_routes(case_uuid: str) -> list[str]:
    routes: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            pattern = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, prefix + pattern)
            elif re.match(r"(dossiers/|aanmeldingen/dossier/)<uuid:uuid>", prefix + pattern):
                routes.append("/" + re.sub(r"<uuid:\w+>", case_uuid, prefix + pattern))

    walk(get_resolver(), "")
    return routes


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REGISSEUR, Role.TEAMLEIDER, Role.EXPERT, Role.CONTROLLER, Role.STAFF])
def test_outsider_gets_404_on_every_case_route(client, make_user, role):
    case = CaseFactory(safety_flag=False)
    outsider = make_user(role, team=TeamFactory(municipality=case.team.municipality))
    client.force_login(outsider)
    routes = _case_routes(str(case.uuid))
    assert len(routes) >= 10, routes  # the walk found the case pages
    data = {"text": "x", "reason": "x" * 20}
    for route in routes:
        missing = route.replace(str(case.uuid), str(uuid.uuid4()))
        for method in (client.get, client.post):
            status = method(route, data if method == client.post else None).status_code
            # Not allowed looks exactly like not there: 404 (or 405 for the wrong method, as for a missing case).
            assert status in (404, 405), (method.__name__, route, status)
            assert status == method(missing, data if method == client.post else None).status_code, route
        # POST-only routes refuse a GET before the case is looked up: 405, the same answer as
        # for a missing case (compared above).
        post_only = (
            "intrekken/",
            "notities/",
            *("verwijderen/", "gedaan/", "plan/uitvoeren/", "plan/vragenlijst/"),  # plan
            *("voorzieningen/raming/", "status/", "wijzigen/", "beeindigen/", "volstaat-niet-meer/"),  # arrangements
            *(f"{case.uuid}/evaluatie/", "advies/", "besluit/", "overnemen/", "teruggeven/"),
            *("bewaren/plaatsen/", "opheffen/"),  # retention: a legal hold
            "afgehandeld/",  # partners: a provider request handled
        )
        assert client.get(route).status_code == 404 or route.endswith(post_only), route
