"""Reads of cases, always permission-filtered in SQL.

`case_get_for_user` answers `Case.DoesNotExist` (→ 404) for a case that does not
exist and for one the user may not see: the two are indistinguishable on purpose.
"""

from datetime import date
from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User

from . import permissions
from .bsn import bsn_blind_index
from .models import Case, Household, HouseholdMember, NetworkContact, Person


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


def person_find_by_name(*, first_name: str, last_name: str, birth_date: date) -> Person | None:
    """Exact match on name and birth date, for people reported without a BSN."""
    return Person.objects.filter(
        first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date
    ).first()


def household_for_persons(*, person_ids: list[int]) -> Household | None:
    """The (oldest) household one of these persons belongs to."""
    return Household.objects.filter(members__person_id__in=person_ids).order_by("pk").first()


def case_open_for_persons(*, person_ids: list[int]) -> Case | None:
    """The open case of a household one of these persons belongs to."""
    return (
        Case.objects.open()
        .filter(household__members__person_id__in=person_ids)
        .select_related("regisseur", "team", "household")
        .order_by("pk")
        .first()
    )


def case_open_for_household(*, household: Household) -> Case | None:
    return Case.objects.open().filter(household=household).select_related("regisseur", "team").first()


def household_find_by_name(*, municipality_id: int, name_contains: str) -> Household | None:
    return Household.objects.filter(municipality_id=municipality_id, name__icontains=name_contains).first()


def household_members(*, household: Household) -> QuerySet[HouseholdMember]:
    return household.members.select_related("person").order_by("role", "person__birth_date")


def household_network(*, household: Household) -> QuerySet[NetworkContact]:
    return household.network.order_by("name")
