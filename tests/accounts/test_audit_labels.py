import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from audit.labels import ACTION_LABELS, action_label


def test_every_audited_action_in_the_code_has_a_dutch_label():
    root = Path(settings.BASE_DIR)
    actions: set[str] = set()
    for app in [
        "accounts",
        "cases",
        "intake",
        "plan",
        "arrangements",
        "budget",
        "partners",
        "reports",
        "retention",
        "subjectaccess",
        "socialdomain",
    ]:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if "audit_write" in text:
                # Every string literal in the action expression (`"a" if final else "b"` too).
                for line in re.findall(r"\baction=([^\n]+)", text):
                    expression = re.split(r",\s*[a-z_]+=", line)[0]  # up to the next keyword argument
                    actions |= set(re.findall(r'"([a-z_]+)"', expression))
    assert "gesprek_save" in actions, "the scan misses conditional actions"
    assert actions, "found no audited actions: the scan is broken"
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert missing == []


def test_action_label_filter_renders_dutch_and_falls_back_to_the_code():
    rendered = Template("{% load audit_tags %}{{ a|action_label }}|{{ b|action_label }}").render(
        Context({"a": "case_open", "b": "something_new"})
    )
    assert rendered == "Dossier geopend|something_new"
    assert action_label("note_add") == "Notitie toegevoegd"


OUR_APPS = [
    "accounts",
    "audit",
    "cases",
    "intake",
    "plan",
    "arrangements",
    "budget",
    "partners",
    "reports",
    "retention",
    "subjectaccess",
]


def _audited_view_names() -> set[str]:
    """Every URL name that can end up in AuditEvent.view.

    Reads are logged with the resolver's view name by `cases.access.case_view` (and
    `case_get_and_log_read`), or with a literal `view="..."` by the few callers of
    `audit_read` outside it. The case and intake screens are all included, wrapped or not
    yet, so a view that starts logging reads already has its label.
    """
    from django.urls import URLPattern, URLResolver, get_resolver

    from cases.access import is_case_view

    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                full = f"{namespace}{entry.name}"
                if is_case_view(entry.callback) or namespace in ("cases:", "intake:") or full == "break_glass":
                    names.add(full)

    walk(get_resolver(), "")
    root = Path(settings.BASE_DIR)
    for app in [*OUR_APPS, "socialdomain"]:
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                names |= set(re.findall(r'view="([a-z_:]+)"', path.read_text()))
    return names


def test_every_url_name_that_can_be_an_audited_view_has_a_dutch_label():
    from audit.labels import VIEW_LABELS, view_label

    names = _audited_view_names()
    assert {"cases:detail", "cases:access_log", "intake:gesprek_edit", "admin:cases_case_change"} <= names
    missing = sorted(n for n in names if n not in VIEW_LABELS)
    assert missing == []
    assert view_label("cases:detail") == "Dossierpagina" and view_label("") == "—"


def test_every_model_of_ours_has_a_dutch_name_so_every_audited_target_type_has_a_label():
    from django.apps import apps

    from audit.labels import TARGET_LABELS, target_label

    models = [m for app in OUR_APPS for m in apps.get_app_config(app).get_models()]
    assert len(models) > 10
    for model in models:
        # Declared in Meta (or named in TARGET_LABELS), not Django's default from the English class name.
        assert "verbose_name" in model._meta.original_attrs or model._meta.label_lower in TARGET_LABELS, (
            model._meta.label
        )
        assert target_label(model._meta.label_lower) != model._meta.label_lower
    assert target_label("cases.case") == "Dossier"
    assert target_label("otp_totp.totpdevice") == "Authenticator-app"


@pytest.mark.django_db
def test_after_the_demo_story_every_logged_target_type_and_view_reads_dutch(client):
    from django.core.management import call_command

    from accounts.models import User
    from audit.labels import target_label, view_label
    from audit.models import AuditEvent
    from cases.models import Case

    call_command("seed_demo", stdout=StringIO())
    regisseur = User.objects.get(username="regisseur")
    client.force_login(regisseur)
    for case in Case.objects.filter(regisseur=regisseur):
        client.get(f"/dossiers/{case.uuid}/")
    types = set(AuditEvent.objects.values_list("target_type", flat=True))
    views = set(AuditEvent.objects.exclude(view="").values_list("view", flat=True))
    assert "cases.case" in types and "cases:detail" in views
    assert [t for t in types if target_label(t) == t] == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert [a for a in actions if a not in ACTION_LABELS] == []
    assert [v for v in views if view_label(v) == v] == []
