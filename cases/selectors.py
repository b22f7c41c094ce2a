"""Reads of cases, always permission-filtered in SQL.

`case_get_for_user` answers `Case.DoesNotExist` (→ 404) for a case that does not
exist and for one the user may not see: the two are indistinguishable on purpose.
"""

from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User

from . import permissions
from .bsn import bsn_blind_index
from .models import Case, Person


def case_list_for_user(*, user: User, codename: str = permissions.VIEW) -> QuerySet[Case]:
    """The cases the user may see, with everything a list row needs, in a constant number of queries."""
    return Case.objects.filter(id__in=permissions.visible_case_ids(user, codename)).with_list_data()


def case_get_for_user(*, user: User, uuid: UUID | str, write: bool = False) -> Case:
    """One case the user may read (or write); `Case.DoesNotExist` otherwise."""
    codename = permissions.CHANGE if write else permissions.VIEW
    return case_list_for_user(user=user, codename=codename).get(uuid=uuid)


def case_search(*, qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Filter by case number or household name (never by BSN in a URL)."""
    return qs.filter(Q(number__icontains=text) | Q(household__name__icontains=text))


def person_find_by_bsn(*, bsn: str) -> Person | None:
    """Exact lookup through the blind index; the BSN itself is never queried."""
    return Person.objects.filter(bsn_index=bsn_blind_index(bsn)).first()
