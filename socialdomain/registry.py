"""Pages assembled from parts: case-page sections and home worklist items.

Apps contribute their parts in `AppConfig.ready()`; the pages that render them (the case
page in `cases`, the home page in `accounts`) import only this module, never the apps.
An app that is removed takes its parts with it.

Each part declares who may see it and fetches its own data, in a constant number of
queries whatever the number of rows (the pages have query-count tests).

A section or worklist item with `placeholder=True` (the "what will be here" text of a
capability that is not built yet) is replaced by the first real registration of the same
key; registering a real key twice is a programming error.

Apps may also contribute the dates that matter for a case (`register_case_dates`); the
case page's header shows the first upcoming one (`case_next_date`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from cases.models import Case

Label = str | Promise  # Dutch text, usually a lazy gettext

__all__ = [
    "CaseDate",
    "CaseSection",
    "WorklistItem",
    "WorklistRow",
    "case_next_date",
    "case_section_get",
    "case_sections",
    "register_case_dates",
    "register_case_section",
    "register_worklist_item",
    "unregister_case_dates",
    "unregister_case_section",
    "unregister_worklist_item",
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
    label: Label  # Dutch tab label (lazy gettext)
    order: int
    template: str
    context: Callable[..., dict[str, Any]]
    visible: Callable[[User, Case], bool] = _always
    placeholder: bool = False


@dataclass(frozen=True)
class WorklistRow:
    """One line of a worklist item: what to do and where it is done."""

    label: Label
    url: str
    detail: str = ""
    date: dt.date | dt.datetime | None = None
    urgent: bool = False


@dataclass(frozen=True)
class WorklistItem:
    """One block of the home worklist, shown to users holding one of `roles`.

    `rows(user=...)` returns the rows (at most `limit`, constant queries); `count(user=...)`
    optionally returns the total when more rows exist than are shown. `description` is a
    short Dutch line under the heading; a `placeholder` item (rows return nothing) says in
    it what will come, and a real registration of the same key replaces it.
    """

    key: str
    label: Label
    order: int
    roles: frozenset[str]
    rows: Callable[..., Iterable[WorklistRow]]
    empty_text: Label = ""
    count: Callable[..., int] | None = None
    link: Callable[[], str] | None = None  # "show all" target, resolved at render time
    limit: int = 10
    extra: dict[str, Any] = field(default_factory=dict)
    description: Label = ""
    placeholder: bool = False


@dataclass(frozen=True)
class CaseDate:
    """A date that matters for a case (next planned gesprek, plan evaluation, end of an
    allocation …), with a Dutch label and optionally where to act on it."""

    date: dt.date
    label: Label
    url: str = ""


_sections: dict[str, CaseSection] = {}
_worklist: dict[str, WorklistItem] = {}
_case_dates: dict[str, Callable[..., Iterable[CaseDate]]] = {}


def register_case_section(
    *,
    key: str,
    label: Label,
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


def case_section_get(key: str) -> CaseSection | None:
    """The section registered under `key`, or None."""
    return _sections.get(key)


def case_sections(*, user: User | None = None, case: Case | None = None) -> list[CaseSection]:
    """The sections in page order; with user and case, only those visible to that user."""
    sections = sorted(_sections.values(), key=lambda s: (s.order, s.key))
    if user is not None and case is not None:
        sections = [s for s in sections if s.visible(user, case)]
    return sections


def register_worklist_item(
    *,
    key: str,
    label: Label,
    order: int,
    roles: Iterable[str],
    rows: Callable[..., Iterable[WorklistRow]],
    empty_text: Label = "",
    count: Callable[..., int] | None = None,
    link: Callable[[], str] | None = None,
    limit: int = 10,
    description: Label = "",
    placeholder: bool = False,
) -> WorklistItem:
    """Add a block to the home worklist (call from `AppConfig.ready()`).

    `rows(user=...)` must run a constant number of queries and return at most `limit`
    rows the user may see (filter in SQL); the home page has a query-count test.
    """
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
        description=description,
        placeholder=placeholder,
    )
    existing = _worklist.get(key)
    if existing is not None and not existing.placeholder:
        if placeholder:
            return existing  # a real item already took this key
        if existing != item:
            raise ValueError(f"worklist item {key!r} is registered twice")
    _worklist[key] = item
    return item


def unregister_worklist_item(key: str) -> None:
    _worklist.pop(key, None)


def worklist_items(*, roles: Iterable[str]) -> list[WorklistItem]:
    """The items for a user holding these roles, in page order."""
    held = {str(r) for r in roles}
    return sorted((i for i in _worklist.values() if i.roles & held), key=lambda i: (i.order, i.key))


def register_case_dates(*, key: str, dates: Callable[..., Iterable[CaseDate]]) -> None:
    """Contribute dates that matter for a case: `dates(case=...)` (one query at most)."""
    existing = _case_dates.get(key)
    if existing is not None and existing is not dates:
        raise ValueError(f"case dates {key!r} are registered twice")
    _case_dates[key] = dates


def unregister_case_dates(key: str) -> None:
    _case_dates.pop(key, None)


def case_next_date(*, case: Case, today: dt.date | None = None) -> CaseDate | None:
    """The first contributed date on or after today (the case page's header), or None."""
    from django.utils import timezone

    today = today or timezone.localdate()
    upcoming = [d for dates in _case_dates.values() for d in dates(case=case) if d.date >= today]
    return min(upcoming, key=lambda d: (d.date, str(d.label)), default=None)


def section_context(section: CaseSection, *, request: HttpRequest, case: Case) -> dict[str, Any]:
    """The section's own context (a thin indirection so the page never calls apps directly)."""
    return section.context(request=request, case=case)
