"""The home worklist: accounts' own items and the places of capabilities still to come.

Registered in `AccountsConfig.ready()`. The home page renders whatever the apps register
(`socialdomain.registry.worklist_items`); accounts imports none of them.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from socialdomain.registry import WorklistRow, register_worklist_item

from .constants import Role
from .models import User
from .selectors import notifications_unread, notifications_unread_count

LIMIT = 10


def notification_rows(*, user: User) -> list[WorklistRow]:
    """The newest unread notifications (one query); each links to where it is handled."""
    fallback = reverse("notifications")
    return [
        WorklistRow(label=n.text, url=n.link or fallback, date=n.created_at)
        for n in notifications_unread(user=user)[:LIMIT]
    ]


def notification_count(*, user: User) -> int:
    return notifications_unread_count(user=user)


def _notifications_url() -> str:
    return reverse("notifications")


def _nothing(*, user: User) -> list[WorklistRow]:
    return []


def register() -> None:
    register_worklist_item(
        key="accounts.notifications",
        label=_("Meldingen"),
        order=900,
        roles=Role.values,
        rows=notification_rows,
        count=notification_count,
        link=_notifications_url,
        limit=LIMIT,
        empty_text=_("Geen ongelezen meldingen."),
    )
    # Places that exist now and say what will come; the arrangements and budget apps
    # replace them by registering a real item under the same key.
    register_worklist_item(
        key="arrangements.escalations",
        label=_("Adviesvragen en escalaties"),
        order=210,
        roles=[Role.EXPERT],
        rows=_nothing,
        placeholder=True,
        description=_(
            "Hier komen de adviesvragen en escalaties aan het expertiseteam, met hun urgentie en "
            "reactietermijn, en de indicaties en beschikkingen die op uw besluit wachten."
        ),
    )
    register_worklist_item(
        key="budget.signals",
        label=_("Budget en signalen"),
        order=310,
        roles=[Role.CONTROLLER],
        rows=_nothing,
        placeholder=True,
        description=_(
            "Hier komen de budgetregels die dreigen over te schrijden, de prognose tot het einde van "
            "het jaar en de kosten per team, per wet en per aanbieder. U ziet bedragen en "
            "geanonimiseerde cijfers, nooit de inhoud van dossiers."
        ),
    )
