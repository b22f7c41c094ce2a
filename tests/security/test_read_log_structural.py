"""Hole 11 (issue 9): no read of case content escapes the access log, by structure.

The test walks EVERY URL pattern of the project. A route is *case-bound* when it has a
UUID keyword and its view lives in one of our own apps (found from the view's module, so
an app added next month is covered without editing this file); only the routes in
`NOT_CASE_BOUND`, each with a reason, are exempt. Every case-bound route must be wrapped
by `cases.access.case_view` (or, for one signal, `intake.access.signal_view`), and a real
request to it by an authorised user writes exactly one read entry in the access log,
while a stranger and a missing id get 404 and write none.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent, EventKind
from cases import breakglass
from cases import services as case_services
from cases.access import is_case_view
from cases.models import Case
from intake import services as intake_services
from intake.access import is_signal_view
from intake.constants import SignalSource, TriageRoute
from tests.accounts.factories import TeamFactory

# Routes with a UUID keyword in our apps that show no case content. Each needs a reason.
NOT_CASE_BOUND: dict[str, str] = {}

PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


@dataclass(frozen=True)
class Route:
    name: str  # "app:name" (or the pattern when unnamed)
    pattern: str
    callback: Callable[..., Any]
    uuid_kwargs: tuple[str, ...]


def _uuid_kwargs(entry: URLPattern | URLResolver) -> list[str]:
    pattern = entry.pattern
    if isinstance(pattern, RoutePattern):
        return [k for k, conv in pattern.converters.items() if isinstance(conv, UUIDConverter)]
    # re_path: a named group called *uuid* is treated as one, to be safe.
    return [name for name in pattern.regex.groupindex if "uuid" in name]


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", inherited: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        kwargs = (*inherited, *_uuid_kwargs(entry))
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns, kwargs)
        else:
            name = f"{namespace}{entry.name}" if entry.name else prefix + str(entry.pattern)
            yield Route(name, prefix + str(entry.pattern), entry.callback, kwargs)


def _is_project_app_view(callback: Callable[..., Any]) -> bool:
    """The view's module belongs to one of our apps (not Django's, not a dependency's)."""
    config = apps.get_containing_app_config(callback.__module__)
    if config is None:
        return False
    app_path = Path(config.path).resolve()
    return app_path.is_relative_to(PROJECT_ROOT) and ".venv" not in app_path.parts


def case_bound_routes(resolver: URLResolver | None = None) -> list[Route]:
    return [
        r
        for r in _walk(resolver or get_resolver())
        if r.uuid_kwargs and _is_project_app_view(r.callback) and r.name not in NOT_CASE_BOUND
    ]


def _guarded(callback: Callable[..., Any]) -> bool:
    return is_case_view(callback) or is_signal_view(callback)


ROUTES = case_bound_routes()


def test_hole11_the_walk_finds_the_case_and_intake_routes():
    names = {r.name for r in ROUTES}
    expected = {
        "cases:detail",
        "cases:edit",
        "cases:member_edit",
        "cases:notes",
        "cases:access_log",
        "intake:signal_detail",
        "intake:gesprek_start",
        "intake:gesprek_detail",
        "intake:gesprek_edit",
        "intake:gesprek_draft",
        "intake:meldcode_steps",
    }
    assert expected <= names, expected - names
    for name in NOT_CASE_BOUND:
        assert NOT_CASE_BOUND[name].strip(), f"{name}: give the reason it shows no case content"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_hole11_every_case_bound_route_is_guarded_by_case_view(route):
    assert _guarded(route.callback), (
        f"{route.name} ({route.pattern}) takes a UUID but is not wrapped by cases.access.case_view "
        "(or intake.access.signal_view): its reads would escape the access log. Decorate it, or add it to "
        "NOT_CASE_BOUND with the reason it shows no case content."
    )


def test_hole11_the_walk_catches_a_new_undecorated_route_in_any_of_our_apps():
    """The classifier is not a hard-coded list: a new view in one of our apps with a UUID is caught."""

    def new_partial(request, uuid):  # type: ignore[no-untyped-def]
        raise AssertionError("never called")

    new_partial.__module__ = "budget.views"  # an app that has no views yet

    class FakeConf:
        urlpatterns = [path("budget/<uuid:uuid>/regels/", new_partial, name="lines")]

    resolver = URLResolver(RoutePattern(""), FakeConf)
    found = case_bound_routes(resolver)
    assert [r.name for r in found] == ["lines"]
    assert not _guarded(found[0].callback)


# --- Requests: one read per request, none for a 404 ----------------------------------


@dataclass
class World:
    regisseur: Any
    teamleider: Any
    colleague: Any
    stranger: Any
    case: Case
    linked_signal: Any
    unlinked_signal: Any
    gesprek: Any
    member_person_uuid: uuid.UUID
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(make_user) -> World:  # type: ignore[no-untyped-def]
    team = TeamFactory()
    regisseur = make_user(Role.REGISSEUR, team=team)
    teamleider = make_user(Role.TEAMLEIDER, team=team)
    colleague = make_user(Role.REGISSEUR, team=team)
    stranger = make_user(Role.REGISSEUR, team=TeamFactory(municipality=team.municipality))
    mother = intake_services.PersonInput(
        first_name="Chantal", last_name="Jansen", birth_date=datetime.date(1991, 3, 14), bsn="111222333"
    )
    signal = intake_services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.SCHOOL,
        question="Kind komt vaak te laat.",
        persons=[mother],
        received_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    # A safety triage: a case with the flag, the Meldcode steps and a linked signal.
    signal = intake_services.signal_triage(
        actor=regisseur, signal=signal, route=TriageRoute.SAFETY, regisseur=regisseur
    )
    case = signal.case
    unlinked = intake_services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.NEIGHBOUR,
        question="Buren maken zich zorgen.",
        persons=[
            intake_services.PersonInput(first_name="Piet", last_name="Smit", birth_date=datetime.date(1950, 1, 2))
        ],
    )
    gesprek = intake_services.gesprek_start(actor=regisseur, case=case)
    case_services.case_share(actor=regisseur, case=case, access="read", user=colleague)
    member = case.household.members.select_related("person").first()
    return World(
        regisseur=regisseur,
        teamleider=teamleider,
        colleague=colleague,
        stranger=stranger,
        case=case,
        linked_signal=signal,
        unlinked_signal=unlinked,
        gesprek=gesprek,
        member_person_uuid=member.person.uuid,
    )


@dataclass(frozen=True)
class Sample:
    """How to request a case-bound route for real: who, which objects, which POST data."""

    kwargs: Callable[[World], dict[str, Any]]
    user: str = "regisseur"
    data: Callable[[World], dict[str, Any]] | None = None


def _case(w: World) -> dict[str, Any]:
    return {"uuid": w.case.uuid}


SAMPLES: dict[str, Sample] = {
    "cases:detail": Sample(_case),
    "cases:edit": Sample(_case),
    "cases:member_add": Sample(_case),
    "cases:member_edit": Sample(lambda w: {"uuid": w.case.uuid, "person_uuid": w.member_person_uuid}),
    "cases:network_add": Sample(_case),
    "cases:consent_add": Sample(_case),
    "cases:share": Sample(_case),
    "cases:unshare": Sample(_case, data=lambda w: {"kind": "user", "principal": str(w.colleague.pk)}),
    "cases:reassign": Sample(_case, user="teamleider"),
    "cases:close": Sample(_case),
    "cases:notes": Sample(_case, data=lambda w: {"text": "Gebeld met moeder."}),
    "cases:access_log": Sample(_case),
    "intake:signal_detail": Sample(lambda w: {"uuid": w.linked_signal.uuid}),
    "intake:gesprek_start": Sample(lambda w: {"case_uuid": w.case.uuid}),
    "intake:meldcode_steps": Sample(lambda w: {"case_uuid": w.case.uuid}),
    "intake:gesprek_detail": Sample(lambda w: {"uuid": w.gesprek.uuid}),
    "intake:gesprek_edit": Sample(lambda w: {"uuid": w.gesprek.uuid}),
    "intake:gesprek_draft": Sample(lambda w: {"uuid": w.gesprek.uuid}),
}


def _reads() -> int:
    return AuditEvent.objects.filter(kind=EventKind.READ).count()


def _url(route: Route, kwargs: dict[str, Any]) -> str:
    url = "/" + route.pattern
    for key, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{key}>", str(value), url)
    assert "<" not in url, f"{route.name}: the sample misses a URL keyword ({url})"
    return url


def _request(client, route: Route, url: str, sample: Sample, world: World):  # type: ignore[no-untyped-def]
    """GET; for a POST-only route (GET → 405, which must log nothing) a POST with the sample data."""
    before = _reads()
    response = client.get(url)
    if response.status_code != 405:
        return response, _reads() - before
    assert _reads() == before, f"{route.name}: a refused GET wrote a read entry"
    response = client.post(url, sample.data(world) if sample.data else {})
    return response, _reads() - before


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_hole11_each_case_bound_route_writes_exactly_one_read_entry_per_request(client, world, route):
    sample = SAMPLES.get(route.name)
    assert sample is not None, f"{route.name} is case-bound: add a sample request to SAMPLES in this test"
    user = getattr(world, sample.user)
    client.force_login(user)
    url = _url(route, sample.kwargs(world))
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response, new_reads = _request(client, route, url, sample, world)

    assert response.status_code < 500 and response.status_code not in (403, 404, 405), (
        route.name,
        response.status_code,
    )
    assert new_reads == 1, f"{route.name}: {new_reads} read entries for one request"
    read = AuditEvent.objects.get(kind=EventKind.READ, pk__gt=latest)
    assert read.actor == user and read.case_uuid == world.case.uuid and not read.flagged
    assert read.view == route.name

    # The same request again: one more, never zero (no "already logged this session").
    _response, again = _request(client, route, url, sample, world)
    assert again == 1, route.name


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_hole11_a_stranger_and_a_missing_id_get_404_and_write_no_read(client, world, route):
    sample = SAMPLES.get(route.name)
    assert sample is not None, f"{route.name} is case-bound: add a sample request to SAMPLES in this test"
    real = sample.kwargs(world)
    missing = {k: uuid.uuid4() for k in real}
    for user, kwargs in ((world.stranger, real), (getattr(world, sample.user), missing)):
        client.force_login(user)
        before = _reads()
        url = _url(route, kwargs)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, sample.data(world) if sample.data else {})
        assert response.status_code == 404, (route.name, user, response.status_code)
        assert _reads() == before, f"{route.name}: a 404 wrote a read entry"


@pytest.mark.django_db
def test_hole11_an_unlinked_signal_is_logged_as_a_read_of_the_signal(client, world):
    client.force_login(world.regisseur)
    before = _reads()
    response = client.get(f"/aanmeldingen/{world.unlinked_signal.uuid}/")
    assert response.status_code == 200
    assert _reads() == before + 1
    read = AuditEvent.objects.filter(kind=EventKind.READ).latest("pk")
    assert (read.target_type, read.target_id, read.case_uuid) == (
        "intake.signal",
        str(world.unlinked_signal.uuid),
        None,
    )
    assert read.actor == world.regisseur and read.view == "intake:signal_detail"


@pytest.mark.django_db
def test_hole11_a_linked_signal_is_logged_in_its_case_access_log(client, world):
    client.force_login(world.regisseur)
    client.get(f"/aanmeldingen/{world.linked_signal.uuid}/")
    read = AuditEvent.objects.filter(kind=EventKind.READ).latest("pk")
    assert read.case_uuid == world.case.uuid and read.view == "intake:signal_detail"


@pytest.mark.django_db
def test_hole11_htmx_partials_are_logged_too(client, world):
    """The htmx fragments (journal note, gesprek autosave) carry case content: one read each."""
    client.force_login(world.regisseur)
    for url, data in (
        (f"/dossiers/{world.case.uuid}/notities/", {"text": "Via htmx."}),
        (f"/aanmeldingen/gesprek/{world.gesprek.uuid}/concept/", {"version": "1"}),
    ):
        before = _reads()
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code < 500
        assert _reads() == before + 1, url


@pytest.mark.django_db
def test_hole11_a_read_through_break_glass_is_flagged_on_every_case_bound_page(client, world, make_user):
    night = make_user(Role.REGISSEUR, team=TeamFactory(municipality=world.case.team.municipality))
    access = breakglass.break_glass_open(actor=night, case=world.case, reason="Politie belt, regisseur onbereikbaar")
    client.force_login(night)
    before = _reads()
    assert client.get(f"/aanmeldingen/gesprek/{world.gesprek.uuid}/").status_code == 200
    assert _reads() == before + 1
    read = AuditEvent.objects.filter(kind=EventKind.READ).latest("pk")
    assert read.flagged and read.purpose == f"noodtoegang #{access.pk}" and read.actor == night
