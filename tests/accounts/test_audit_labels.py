import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from audit.labels import ACTION_LABELS, action_label


def test_every_audited_action_in_the_code_has_a_dutch_label():
    root = Path(settings.BASE_DIR)
    actions: set[str] = set()
    for app in ["accounts", "cases", "intake", "arrangements", "budget", "socialdomain"]:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if "audit_write" in text:
                actions |= set(re.findall(r'action="([a-z_]+)"', text))
    assert actions, "found no audited actions: the scan is broken"
    missing = sorted(a for a in actions if a not in ACTION_LABELS)
    assert missing == []


def test_action_label_filter_renders_dutch_and_falls_back_to_the_code():
    rendered = Template("{% load audit_tags %}{{ a|action_label }}|{{ b|action_label }}").render(
        Context({"a": "case_open", "b": "something_new"})
    )
    assert rendered == "Dossier geopend|something_new"
    assert action_label("note_add") == "Notitie toegevoegd"
