"""Reads of the subject-access screens, scoped to the staff member's municipality in SQL.

"Not found" is one answer for a person or export that does not exist and for one of
another municipality (`DoesNotExist`; the views answer 404 or the same form error).
"""

from uuid import UUID

from django.db.models import QuerySet

from accounts.models import User
from cases.models import Person
from cases.selectors import person_find_by_bsn

from .models import SubjectAccessExport
from .permissions import staff_municipalities


def person_find_for_staff(*, user: User, bsn: str, municipality_id: int | None = None) -> Person | None:
    """The person with this BSN in one of the user's municipalities (blind index), or None.

    None for an invalid BSN, an unknown one and one known only in another municipality: the
    caller gives one answer for all three. With `municipality_id` only that municipality
    is searched (it must be one of the user's; otherwise None as well).
    """
    municipalities = staff_municipalities(user=user)
    if municipality_id is not None:
        municipalities = municipalities.filter(pk=municipality_id)
    for municipality_id_ in municipalities.order_by("name").values_list("pk", flat=True):
        person = person_find_by_bsn(municipality_id=municipality_id_, bsn=bsn)
        if person is not None:
            return person
    return None


def person_get_for_staff(*, user: User, uuid: UUID | str) -> Person:
    """One person of the user's municipalities; Person.DoesNotExist otherwise (also when missing)."""
    municipalities = staff_municipalities(user=user)
    return Person.objects.select_related("municipality").get(uuid=uuid, municipality__in=municipalities)


def exports_for_staff(*, user: User) -> QuerySet[SubjectAccessExport]:
    """The exports of the user's municipalities, newest first (the files are deferred)."""
    return (
        SubjectAccessExport.objects.filter(municipality__in=staff_municipalities(user=user))
        .select_related("person", "requested_by")
        .defer("pdf", "data")
    )


def export_get_for_staff(*, user: User, uuid: UUID | str) -> SubjectAccessExport:
    """One export of the user's municipalities; SubjectAccessExport.DoesNotExist otherwise."""
    return exports_for_staff(user=user).get(uuid=uuid)
