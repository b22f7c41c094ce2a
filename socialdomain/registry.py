"""Pages assembled from parts: case-page sections and home worklist items.

Apps contribute their parts in `AppConfig.ready()`; the pages that render them (the case
page in `cases`, the home page in `accounts`) import only this module, never the apps.
An app that is removed takes its parts with it.

Each part declares who may see it and fetches its own data, in a constant number of
queries whatever the number of rows (the pages have query-count tests).

A section with `placeholder=True` (the "what will be here" text of a capability that is
not built yet) is replaced by the first real registration of the same key; registering a
real key twice is a programming error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from cases.models import Case

__all__ = [
    "CaseSection",
    "WorklistItem",
    "WorklistRow",
    "case_sections",
    "register_case_section",
    "register_worklist_item",
    "worklist_items",
]


def _always(user: User, case: Case) -> bool:
    return True


@dataclass(frozen=True)
class CaseSection:
    """One tab of the case page.

    `context(request=..., case=...)` returns the section's own template context; the page
    adds `case`, `can_write`, `read_only` and `section` itself. `visible(user, case)` hides
    the tab for users it does not concern (the case itself is already authorised).
    """

    key: str  # URL slug, stable: /dossiers/<uuid>/<key>/
    label: str  # Dutch tab label (lazy gettext)
    order: int
    template: str
    context: Callable[..., dict[str, Any]]
    visible: Callable[[User, Case], bool] = _always
    placeholder: bool = False


@dataclass(frozen=True)
class WorklistRow:
    """One line of a worklist item: what to do and where it is done."""

    label: str
    url: str
    detail: str = ""
    date: dt.date | dt.datetime | None = None
    urgent: bool = False


@dataclass(frozen=True)
class WorklistItem:
    """One block of the home worklist, shown to users holding one of `roles`.

    `rows(user=...)` returns the rows (at most `limit`, constant queries); `count(user=...)`
    optionally returns the total when more rows exist than are shown.
    """

    key: str
    label: str
    order: int
    roles: frozenset[str]
    rows: Callable[..., Iterable[WorklistRow]]
    empty_text: str = ""
    count: Callable[..., int] | None = None
    link: Callable[[], str] | None = None  # "show all" target, resolved at render time
    limit: int = 10
    extra: dict[str, Any] = field(default_factory=dict)


_sections: dict[str, CaseSection] = {}
_worklist: dict[str, WorklistItem] = {}


def register_case_section(
    *,
    key: str,
    label: str,
    order: int,
    template: str,
    context: Callable[..., dict[str, Any]],
    visible: Callable[[User, Case], bool] | None = None,
    placeholder: bool = False,
) -> CaseSection:
    """Add a section to the case page (call from `AppConfig.ready()`)."""
    section = CaseSection(
        key=key,
        label=label,
        order=order,
        template=template,
        context=context,
        visible=visible or _always,
        placeholder=placeholder,
    )
    existing = _sections.get(key)
    if existing is not None and not existing.placeholder:
        if placeholder:
            return existing  # a real section already took this key
        if existing != section:
            raise ValueError(f"case section {key!r} is registered twice")
    _sections[key] = section
    return section


def unregister_case_section(key: str) -> None:
    """Remove a section (tests that register a dummy one clean up with this)."""
    _sections.pop(key, None)


def case_sections(*, user: User | None = None, case: Case | None = None) -> list[CaseSection]:
    """The sections in page order; with user and case, only those visible to that user."""
    sections = sorted(_sections.values(), key=lambda s: (s.order, s.key))
    if user is not None and case is not None:
        sections = [s for s in sections if s.visible(user, case)]
    return sections


def register_worklist_item(
    *,
    key: str,
    label: str,
    order: int,
    roles: Iterable[str],
    rows: Callable[..., Iterable[WorklistRow]],
    empty_text: str = "",
    count: Callable[..., int] | None = None,
    link: Callable[[], str] | None = None,
    limit: int = 10,
) -> WorklistItem:
    """Add a block to the home worklist (call from `AppConfig.ready()`)."""
    item = WorklistItem(
        key=key,
        label=label,
        order=order,
        roles=frozenset(str(r) for r in roles),
        rows=rows,
        empty_text=empty_text,
        count=count,
        link=link,
        limit=limit,
    )
    existing = _worklist.get(key)
    if existing is not None and existing != item:
        raise ValueError(f"worklist item {key!r} is registered twice")
    _worklist[key] = item
    return item


def unregister_worklist_item(key: str) -> None:
    _worklist.pop(key, None)


def worklist_items(*, roles: Iterable[str]) -> list[WorklistItem]:
    """The items for a user holding these roles, in page order."""
    held = {str(r) for r in roles}
    return sorted((i for i in _worklist.values() if i.roles & held), key=lambda i: (i.order, i.key))


def section_context(section: CaseSection, *, request: HttpRequest, case: Case) -> dict[str, Any]:
    """The section's own context (a thin indirection so the page never calls apps directly)."""
    return section.context(request=request, case=case)
