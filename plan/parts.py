"""The plan's parts of shared pages: its case-page section and its worklist items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from socialdomain.registry import WorklistRow, register_case_section, register_worklist_item


def section_context(*, request: Any, case: Any) -> dict[str, Any]:
    from . import selectors

    return {"plan_overview": selectors.plan_overview(user=request.user, case=case)}


def overdue_rows(*, user: Any) -> Iterable[WorklistRow]:
    from . import selectors

    return selectors.worklist_overdue(user=user)


def draft_rows(*, user: Any) -> Iterable[WorklistRow]:
    from . import selectors

    return selectors.worklist_drafts(user=user)


def register() -> None:
    # Labels are lazy (translated at render time); the registry annotates them as str.
    from accounts.constants import Role

    register_case_section(
        key="plan",
        label=_("Plan"),  # type: ignore[arg-type]
        order=40,
        template="plan/_section.html",
        context=section_context,
    )
    register_worklist_item(
        key="plan_overdue",
        label=_("Plannen: evaluatie of acties te laat"),  # type: ignore[arg-type]
        order=30,
        roles=[Role.REGISSEUR],
        rows=overdue_rows,
        empty_text=_("Geen evaluaties of acties over datum."),  # type: ignore[arg-type]
    )
    register_worklist_item(
        key="plan_drafts",
        label=_("Plannen in concept"),  # type: ignore[arg-type]
        order=31,
        roles=[Role.REGISSEUR],
        rows=draft_rows,
        empty_text=_("Geen plannen in concept."),  # type: ignore[arg-type]
    )
