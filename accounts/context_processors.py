"""Navigation per role: each role sees the entries that belong to its work."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .constants import Role
from .selectors import notifications_unread_count


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # a lazy translation
    url_name: str
    roles: frozenset[str]

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


CASEWORK = frozenset({Role.REGISSEUR, Role.TEAMLEIDER, Role.EXPERT})

NAVIGATION: list[NavItem] = [
    NavItem(_("Overzicht"), "home", frozenset(Role.values)),
    NavItem(_("Mijn dossiers"), "cases:list", CASEWORK),
    NavItem(_("Aanmeldingen"), "intake:inbox", CASEWORK),  # signals: casework roles only
    NavItem(_("Expertiseteam"), "arrangements:escalations", frozenset({Role.EXPERT})),
    NavItem(_("Teamoverzicht"), "cases:team", frozenset({Role.TEAMLEIDER})),
    NavItem(_("Budget"), "budget:dashboard", frozenset({Role.CONTROLLER})),
    NavItem(_("Rapportages"), "reports:list", frozenset({Role.TEAMLEIDER, Role.CONTROLLER, Role.STAFF})),
    NavItem(_("Teamvergelijking"), "reports_benchmark:teams", frozenset({Role.TEAMLEIDER, Role.CONTROLLER})),
    NavItem(_("Noodtoegang"), "break_glass", frozenset({Role.REGISSEUR, Role.EXPERT})),
    NavItem(_("Beheer"), "admin:index", frozenset({Role.STAFF})),
    NavItem(_("Inzageverzoeken"), "subjectaccess:index", frozenset({Role.STAFF})),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = set(user.roles)
    if user.is_superuser:
        roles.add(Role.STAFF)
    items = []
    for item in NAVIGATION:
        if roles & item.roles:
            url = item.url()
            if url is not None:
                items.append({"label": item.label, "url": url, "active": request.path == url})
    return {"nav_items": items, "user_roles": sorted(roles)}


def notification_count(request: HttpRequest) -> dict:
    """The number of unread notifications for the header link: one COUNT, lazily.

    Evaluated only when a template uses it (error pages and htmx fragments that do not
    render the header cost nothing); never for anonymous users.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
