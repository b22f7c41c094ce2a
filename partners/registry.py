"""What the partner API contributes to the case page and the regisseur's worklist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Role
from socialdomain.registry import WorklistRow, register_case_section, register_worklist_item

from . import selectors
from .constants import MessageKind


def section_context(*, request: Any, case: Any) -> dict[str, Any]:
    """Per allocation: the provider's acknowledgement, start and stop (two queries)."""
    rows = []
    for a in selectors.case_allocations(case=case):
        messages = {m.kind: m for m in a.message_list}  # type: ignore[attr-defined]
        due = selectors.start_due(a)
        rows.append(
            {
                "arrangement": a,
                "acknowledged": messages.get(MessageKind.ACKNOWLEDGED),
                "started": messages.get(MessageKind.STARTED),
                "stopped": messages.get(MessageKind.STOPPED),
                "start_due": due,
                "start_overdue": MessageKind.STARTED not in messages and a.status == "allocated" and due < _today(),
            }
        )
    return {"allocations": rows}


def _today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()


def overdue_rows(*, user: Any) -> Iterable[WorklistRow]:
    for a in selectors.starts_overdue(user=user):
        yield WorklistRow(
            label=_("Dossier %(number)s: geen startbericht voor %(item)s")
            % {"number": a.case.number, "item": a.item.name},
            url=reverse("cases:section", kwargs={"uuid": a.case.uuid, "section": "aanbieders"}),
            detail=a.provider.name if a.provider else "",
            date=selectors.start_due(a),
            urgent=True,
        )


def register() -> None:
    register_case_section(
        key="aanbieders",
        label=cast(str, gettext_lazy("Aanbieders")),
        order=55,
        template="partners/_case_section.html",
        context=section_context,
    )
    register_worklist_item(
        key="partners-starts-overdue",
        label=cast(str, gettext_lazy("Start van zorg niet gemeld")),
        order=42,
        roles=[Role.REGISSEUR],
        rows=overdue_rows,
        description=cast(str, gettext_lazy("Toegewezen voorzieningen zonder startbericht (305) binnen 5 werkdagen.")),
        empty_text=cast(str, gettext_lazy("Alle toegewezen zorg is op tijd gestart gemeld.")),
    )
