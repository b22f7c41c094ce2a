"""The case page as a workspace: header, tabs from the registry, htmx panels (issue 10, item 2)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from cases import services
from intake.constants import SignalSource, SignalStatus, TriageRoute
from intake.models import Signal
from socialdomain import registry
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

SECTIONS = ["overzicht", "gezin", "gesprekken", "plan", "voorzieningen", "tijdlijn", "toegang"]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owned(make_user, team):  # type: ignore[no-untyped-def]
    regisseur = make_user(Role.REGISSEUR, team=team, first_name="Anne", last_name="Regisseur")
    return CaseFactory(team=team, regisseur=regisseur), regisseur


def _url(case, key: str) -> str:  # type: ignore[no-untyped-def]
    return (
        reverse("cases:detail", args=[case.uuid])
        if key == "overzicht"
        else reverse("cases:section", args=[case.uuid, key])
    )


def _reads(case) -> int:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(case_uuid=case.uuid, kind="read").count()


def test_every_tab_is_a_full_page_with_the_header_and_one_read_entry(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    for key in SECTIONS:
        before = _reads(case)
        response = client.get(_url(case, key))
        assert response.status_code == 200, key
        html = response.content.decode()
        assert f"Dossier {case.number} – {case.household.name}" in html and "Anne Regisseur" in html
        # Plain links to every tab; the active one is marked for assistive technology.
        for other in SECTIONS:
            assert f'href="{_url(case, other)}"' in html
        assert html.count('aria-current="page"') == 1  # this tab (no main-menu entry is the case page)
        assert f'data-section="{key}" href="{_url(case, key)}" hx-get' in html
        assert _reads(case) == before + 1
        assert "HX-Request" in response["Vary"]


def test_an_htmx_tab_request_answers_only_the_panel_and_logs_one_read(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    before = _reads(case)
    response = client.get(_url(case, "gezin"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="case-panel"') and "<html" not in html
    assert "Gezinsleden" in html and "<h1" not in html and "case-tabs" not in html
    assert _reads(case) == before + 1
    # A history restore (back button after the cache was dropped) gets the full page.
    restore = client.get(_url(case, "gezin"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


def test_unknown_tab_and_someone_elses_case_answer_404_without_a_read_entry(client, owned, make_user, team):
    case, regisseur = owned
    client.force_login(regisseur)
    before = _reads(case)
    assert client.get(reverse("cases:section", args=[case.uuid, "bestaat-niet"])).status_code == 404
    assert _reads(case) == before
    outsider = make_user(Role.REGISSEUR, team=team)
    client.force_login(outsider)
    before = _reads(case)
    for key in SECTIONS:
        assert client.get(_url(case, key)).status_code == 404
        assert client.get(_url(case, key), **HTMX).status_code == 404
    assert _reads(case) == before


def test_the_apps_replace_the_plan_and_voorzieningen_placeholders(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    for key in ("plan", "voorzieningen"):
        section = registry.case_section_get(key)
        assert section is not None and not section.placeholder, key
        html = client.get(_url(case, key)).content.decode()
        assert "Hier komt" not in html and "Hier komen" not in html


def test_a_reader_sees_u_leest_mee_and_no_write_buttons(client, owned, make_user, team):
    case, regisseur = owned
    reader = make_user(Role.REGISSEUR, team=team)
    services.case_share(actor=regisseur, case=case, user=reader, access="read")
    client.force_login(reader)
    html = client.get(_url(case, "overzicht")).content.decode()
    assert "U leest mee." in html and "niet wijzigen" in html
    assert reverse("cases:edit", args=[case.uuid]) not in html
    client.force_login(regisseur)
    assert "U leest mee" not in client.get(_url(case, "overzicht")).content.decode()


def test_header_shows_safety_flag_and_the_next_planned_gesprek(client, owned):
    case, regisseur = owned
    type(case).objects.filter(pk=case.pk).update(safety_flag=True)
    client.force_login(regisseur)
    html = client.get(_url(case, "overzicht")).content.decode()
    assert "Veiligheidssignaal (Meldcode)" in html and "Geen datum gepland" in html
    planned = timezone.localdate() + datetime.timedelta(days=3)
    for days in (-2, 3, 9):  # a past one does not count; the first upcoming one does
        Signal.objects.create(
            team=case.team,
            case=case,
            source=SignalSource.GP,
            question="x",
            route=TriageRoute.CASE,
            status=SignalStatus.WAITING,
            gesprek_planned_on=timezone.localdate() + datetime.timedelta(days=days),
        )
    html = client.get(_url(case, "overzicht")).content.decode()
    from socialdomain.templatetags.sd_format import datum

    assert f"Gesprek gepland: {datum(planned)}" in html
    assert f'href="{_url(case, "gesprekken")}">Gesprek gepland' in html


def test_a_registered_section_becomes_a_tab_and_goes_again(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)

    def context(*, request, case):  # type: ignore[no-untyped-def]
        return {"placeholder_text": f"Testinhoud voor {case.number}"}

    registry.register_case_section(
        key="testtab", label="Testtab", order=45, template="cases/sections/placeholder.html", context=context
    )
    try:
        html = client.get(_url(case, "overzicht")).content.decode()
        url = reverse("cases:section", args=[case.uuid, "testtab"])
        assert f'href="{url}"' in html
        assert html.index(f'href="{url}"') < html.index(f'href="{_url(case, "voorzieningen")}"')  # order 45 < 50
        assert f"Testinhoud voor {case.number}" in client.get(url).content.decode()
    finally:
        registry.unregister_case_section("testtab")
    assert client.get(url).status_code == 404
    assert "Testtab" not in client.get(_url(case, "overzicht")).content.decode()


def test_a_section_hidden_for_a_user_is_neither_a_tab_nor_reachable(client, owned, make_user, team):
    case, regisseur = owned
    leader = make_user(Role.TEAMLEIDER, team=team)
    registry.register_case_section(
        key="alleen-regisseur",
        label="Alleen regisseur",
        order=46,
        template="cases/sections/placeholder.html",
        context=lambda *, request, case: {"placeholder_text": "geheim"},
        visible=lambda user, case: user.pk == case.regisseur_id,
    )
    try:
        url = reverse("cases:section", args=[case.uuid, "alleen-regisseur"])
        client.force_login(leader)
        assert "Alleen regisseur" not in client.get(_url(case, "overzicht")).content.decode()
        assert client.get(url).status_code == 404
        client.force_login(regisseur)
        assert client.get(url).status_code == 200
    finally:
        registry.unregister_case_section("alleen-regisseur")


def test_a_placeholder_says_what_will_be_there_until_a_real_section_replaces_it(client, owned):
    case, regisseur = owned
    client.force_login(regisseur)
    registry.register_case_section(
        key="proef",
        label="Proef",
        order=45,
        template="cases/sections/placeholder.html",
        context=lambda *, request, case: {"placeholder_text": "Hier komt de proef"},
        placeholder=True,
    )
    try:
        assert "Hier komt de proef" in client.get(_url(case, "proef")).content.decode()
        registry.register_case_section(
            key="proef",
            label="Proef",
            order=45,
            template="cases/sections/placeholder.html",
            context=lambda *, request, case: {"placeholder_text": "De echte proef"},
        )
        assert "De echte proef" in client.get(_url(case, "proef")).content.decode()
        with pytest.raises(ValueError, match="registered twice"):
            registry.register_case_section(
                key="proef", label="Andere proef", order=41, template="x.html", context=lambda **kw: {}
            )
    finally:
        registry.unregister_case_section("proef")


def _queries(client, url: str, **extra) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **extra).status_code == 200
    return len(ctx.captured_queries)


def test_every_tab_runs_the_same_queries_for_few_and_many_rows(client, owned, make_user, team):
    from tests.cases.factories import PersonFactory

    case, regisseur = owned
    client.force_login(regisseur)

    def add(n: int) -> None:
        for i in range(n):
            services.member_add(
                actor=regisseur, household=case.household, person=PersonFactory(), role="child", case=case
            )
            services.note_add(actor=regisseur, case=case, text=f"Notitie {i}")
            services.case_share(actor=regisseur, case=case, user=make_user(Role.REGISSEUR, team=team), access="read")

    add(1)
    for key in SECTIONS:
        client.get(_url(case, key))  # warm per-process caches
    few = {key: (_queries(client, _url(case, key)), _queries(client, _url(case, key), **HTMX)) for key in SECTIONS}
    add(12)
    many = {key: (_queries(client, _url(case, key)), _queries(client, _url(case, key), **HTMX)) for key in SECTIONS}
    assert many == few
