"""Reads of cases, always permission-filtered in SQL.

`case_get_for_user` answers `Case.DoesNotExist` (→ 404) for a case that does not
exist and for one the user may not see: the two are indistinguishable on purpose.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import overload
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from accounts.constants import CASEWORK_ROLES, Role
from accounts.models import User
from audit.models import AuditEvent, EventKind
from socialdomain.authz import permission_id

from . import permissions
from .bsn import bsn_blind_index, is_valid_bsn, normalise_bsn
from .constants import Access, CaseStatus
from .models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Consent,
    Household,
    HouseholdMember,
    NetworkContact,
    Person,
    RegisseurChange,
)


def case_list_for_user(*, user: User, codename: str = permissions.VIEW) -> QuerySet[Case]:
    """The cases the user may see, with everything a list row needs, in a constant number of queries."""
    return Case.objects.filter(id__in=permissions.visible_case_ids(user, codename)).with_list_data()


class CaseListing:
    """A page-able list of cases for `django.core.paginator.Paginator`: two queries per page
    (count + rows), whatever the number of rows.

    - `count()` runs the given count function (for "my cases" without filters: the visible
      ids counted straight from their UNION, no join with the case table).
    - Slicing is a *deferred join*: the inner query picks the ids of the page from `base`
      (filtered and sorted on the case table alone, ~400 index-only lookups for a
      regisseur), the outer query fetches only those rows with `with_list_data()`. Sorting
      the joined rows instead costs a household lookup per visible row. See
      docs/performance.md.
    """

    ordered = True  # Paginator warns about unordered lists; `ordering` is always applied

    def __init__(self, *, base: QuerySet[Case], ordering: tuple[str, ...], count: Callable[[], int]) -> None:
        self._base = base
        self._ordering = ordering
        self._count = count

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Case]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, key: int) -> Case: ...
    @overload
    def __getitem__(self, key: slice) -> list[Case]: ...
    def __getitem__(self, key: int | slice) -> Case | list[Case]:
        if isinstance(key, int):
            rows = self[key : key + 1]
            if not rows:
                raise IndexError(key)
            return rows[0]
        if key.step is not None:
            raise TypeError("CaseListing supports plain slices only")
        ids = self._base.order_by(*self._ordering).values("id")[key]
        return list(Case.objects.filter(id__in=ids).with_list_data().order_by(*self._ordering))


def case_listing_for_user(
    *,
    user: User,
    text: str = "",
    status: str = "",
    line: str = "",
    team_id: int | None = None,
    sort: str = "recent",
) -> CaseListing:
    """The cases the user may see ("Mijn dossiers"), filtered, as a `CaseListing`.

    Same permission semantics as `case_list_for_user`: the same `visible_case_ids`, compiled
    once for the page and the count. Two queries per page, whatever the number of rows.
    """
    visible = permissions.compile_visible_case_ids(user)
    if visible is None:
        return CaseListing(base=Case.objects.none(), ordering=("-id",), count=lambda: 0)
    base: QuerySet[Case] = Case.objects.filter(id__in=visible.as_expression())
    if text:
        base = case_search(qs=base, text=text)
    if status:
        base = base.filter(status=status)
    if line:
        base = base.filter(line=line)
    if team_id is not None:
        base = base.filter(team_id=team_id)
    ordering = ("number", "id") if sort == "number" else ("-updated_at", "-id")
    # Without filters the total is the number of visible ids (no join); filters need the
    # case (and household) columns, so then the filtered rows are counted.
    count = base.count if (text or status or line or team_id is not None) else visible.count
    return CaseListing(base=base, ordering=ordering, count=count)


def case_get_for_user(*, user: User, uuid: UUID | str, write: bool = False) -> Case:
    """One case the user may read, or (write=True) record on now; `Case.DoesNotExist` otherwise.

    Recording needs write access *and* an open case (a closed case is read-only, see
    `permissions.can_write`), so every write page answers 404 for a closed case.
    """
    if write:
        return case_list_for_user(user=user, codename=permissions.CHANGE).filter(status=CaseStatus.OPEN).get(uuid=uuid)
    return case_list_for_user(user=user, codename=permissions.VIEW).get(uuid=uuid)


def case_search(*, qs: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Filter by case number or household name (never by BSN in a URL)."""
    return qs.filter(Q(number__icontains=text) | Q(household__name__icontains=text))


def person_find_by_bsn(*, municipality_id: int, bsn: str) -> Person | None:
    """Exact lookup through the blind index, within one municipality; the BSN itself is never
    queried. Callers that show or link the result check first that the user may read it
    (`person_lookup`)."""
    normalised = normalise_bsn(bsn)
    if not is_valid_bsn(normalised):
        return None
    return Person.objects.filter(municipality_id=municipality_id, bsn_index=bsn_blind_index(normalised)).first()


def person_find_by_name(*, municipality_id: int, first_name: str, last_name: str, birth_date: date) -> QuerySet[Person]:
    """Exact match on name and birth date within one municipality, for people reported without a BSN."""
    return Person.objects.filter(
        municipality_id=municipality_id,
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        birth_date=birth_date,
    ).order_by("pk")


@dataclass(frozen=True)
class PersonLookup:
    """What a professional may learn from typing a BSN (or name + birth date) into a form.

    - `person`: a match the user may read (a member of a household whose case they may
      read, or a person on a record the caller adds through `readable_person_ids`): reuse
      it; its stored data may be shown ("ask once").
    - `hidden`: a registered person with this BSN exists that the user may not read. It is
      neither shown nor linked; a new person is recorded from what the user typed, with the
      BSN encrypted but unindexed, so the registry keeps one findable person per BSN.
    - `involved_cases`: open cases of matches the user may not read: the Verwijsindex
      answer (who to contact), logged on each case by `cases.services.verwijsindex_match`.
    """

    person: Person | None
    hidden: bool
    involved_cases: tuple[Case, ...]


def person_lookup(
    *,
    user: User,
    municipality_id: int,
    bsn: str = "",
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    readable_person_ids: QuerySet | None = None,
) -> PersonLookup:
    """Find a person by BSN, or else by name + birth date, within one municipality, split
    into what the user may read and what only yields a contact (docs/permissions.md,
    "Person lookup"). Three queries whatever the number of matches."""
    if bsn:
        found = person_find_by_bsn(municipality_id=municipality_id, bsn=bsn)
        candidates = [found] if found is not None else []
    elif first_name and last_name and birth_date:
        candidates = list(
            person_find_by_name(
                municipality_id=municipality_id, first_name=first_name, last_name=last_name, birth_date=birth_date
            )
        )
    else:
        candidates = []
    if not candidates:
        return PersonLookup(person=None, hidden=False, involved_cases=())
    ids = [c.pk for c in candidates]
    visible = permissions.visible_case_ids(user)
    readable_q = Q(memberships__household__cases__id__in=visible)
    if readable_person_ids is not None:
        readable_q |= Q(pk__in=readable_person_ids)
    readable = set(Person.objects.filter(readable_q, pk__in=ids).values_list("pk", flat=True))
    person = next((c for c in candidates if c.pk in readable), None)
    involved = tuple(
        Case.objects.open()
        .filter(household__members__person_id__in=ids, household__municipality_id=municipality_id)
        .exclude(id__in=visible)
        .select_related("regisseur", "team")
        .distinct()
        .order_by("pk")
    )
    return PersonLookup(person=person, hidden=person is None and bool(bsn), involved_cases=involved)


def registered_person_ids_sharing_bsn(*, municipality_id: int, persons: list[Person]) -> list[int]:
    """For persons recorded with an unindexed BSN (by a professional who could not read the
    registered person, see `person_lookup`): the ids of the registered persons of the
    municipality with the same BSN. One query; decrypts only those few BSNs."""
    indexes = {
        bsn_blind_index(p.bsn)
        for p in persons
        if p.bsn_encrypted and p.bsn_index is None and p.municipality_id == municipality_id
    }
    if not indexes:
        return []
    return list(
        Person.objects.filter(municipality_id=municipality_id, bsn_index__in=indexes).values_list("pk", flat=True)
    )


def household_for_persons(*, municipality_id: int, person_ids: list[int]) -> Household | None:
    """The (oldest) household of this municipality one of these persons belongs to."""
    return (
        Household.objects.filter(municipality_id=municipality_id, members__person_id__in=person_ids)
        .order_by("pk")
        .first()
    )


def case_open_for_persons(*, municipality_id: int, person_ids: list[int], user: User | None = None) -> Case | None:
    """The open case of a household of this municipality one of these persons belongs to.

    With `user`: only a case that user may read (the others are answered with a contact
    line, never linked; see `person_lookup`)."""
    qs = Case.objects.open().filter(
        household__municipality_id=municipality_id, household__members__person_id__in=person_ids
    )
    if user is not None:
        qs = qs.filter(id__in=permissions.visible_case_ids(user))
    return qs.select_related("regisseur", "team", "household").order_by("pk").first()


def case_open_for_household(*, household: Household) -> Case | None:
    return Case.objects.open().filter(household=household).select_related("regisseur", "team").first()


def household_find_by_name(*, municipality_id: int, name_contains: str) -> Household | None:
    return Household.objects.filter(municipality_id=municipality_id, name__icontains=name_contains).first()


def household_members(*, household: Household) -> QuerySet[HouseholdMember]:
    return household.members.select_related("person").order_by("role", "person__birth_date")


def household_network(*, household: Household) -> QuerySet[NetworkContact]:
    return household.network.order_by("name")


# --- Reads for the case screens (cases/views.py) ---------------------------------------


@dataclass(frozen=True)
class AccessEntry:
    """One principal (colleague or team) with access to a case through a share."""

    kind: str  # "user" | "team"
    principal_id: int
    name: str
    access: str  # Access.READ | Access.WRITE
    note: str = ""  # e.g. "expertiseteam, tot 5 december 2026" (time-limited grants)


def case_access_list(*, case: Case) -> list[AccessEntry]:
    """Who has access through a share, in two queries (user grants, team grants).

    Implicit access (the regisseur, the team leader) is shown separately by the page.
    """
    change = permission_id(Case, permissions.CHANGE)
    notes = permissions.grant_notes(case)  # time-limited grants (expert access): note, lapsed
    users: dict[int, AccessEntry] = {}
    for grant in CaseUserObjectPermission.objects.filter(content_object=case).select_related("user"):
        note, lapsed = notes.get(grant.user_id, ("", False))
        if lapsed:
            continue
        prev = users.get(grant.user_id)
        access = (
            Access.WRITE if grant.permission_id == change or (prev and prev.access == Access.WRITE) else Access.READ
        )
        users[grant.user_id] = AccessEntry("user", grant.user_id, str(grant.user), access, note)
    teams: dict[int, AccessEntry] = {}
    for team_grant in CaseGroupObjectPermission.objects.filter(
        content_object=case, group__team__isnull=False
    ).select_related("group__team"):
        team = team_grant.group.team
        prev = teams.get(team.pk)
        access = (
            Access.WRITE
            if team_grant.permission_id == change or (prev and prev.access == Access.WRITE)
            else Access.READ
        )
        teams[team.pk] = AccessEntry("team", team.pk, team.name, access)
    return sorted(users.values(), key=lambda e: e.name) + sorted(teams.values(), key=lambda e: e.name)


def case_members(*, case: Case) -> QuerySet[HouseholdMember]:
    return case.household.members.select_related("person").order_by("role", "person__birth_date")


def case_consents(*, case: Case) -> QuerySet[Consent]:
    return Consent.objects.filter(member__household_id=case.household_id).select_related(
        "member__person", "organisation", "recorded_by"
    )


@dataclass(frozen=True)
class ConsentState:
    """One member x organisation x purpose: the record in force now and every change before it."""

    current: Consent
    history: list[Consent]  # newest first, `current` included

    @property
    def given(self) -> bool:
        return self.current.given


def _consent_order(consent: Consent) -> tuple:
    # The same order as `consent_in_force`: latest date, then latest recorded, then id.
    return (consent.date, consent.recorded_at, consent.pk)


def case_consent_states(*, case: Case) -> list[ConsentState]:
    """The consents of the case's household per member x organisation x purpose, with the
    state in force (the latest record, exactly what `consent_in_force` reads) and its
    history. One query (`case_consents`), grouped here; ordered by member, purpose, organisation.
    """
    series: dict[tuple, list[Consent]] = {}
    for consent in case_consents(case=case):
        series.setdefault((consent.member_id, consent.organisation_id, consent.purpose), []).append(consent)
    states = []
    for records in series.values():
        records.sort(key=_consent_order, reverse=True)
        states.append(ConsentState(current=records[0], history=records))
    return sorted(
        states,
        key=lambda s: (
            s.current.member.person.full_name,
            s.current.get_purpose_display(),
            s.current.organisation.name if s.current.organisation else "",
        ),
    )


def consent_latest(*, member_id: int, organisation_id: int | None, purpose: str) -> Consent | None:
    """The record in force for one member x organisation x purpose (same order as `consent_in_force`)."""
    by_org = {"organisation_id": organisation_id} if organisation_id is not None else {"organisation__isnull": True}
    return (
        Consent.objects.filter(member_id=member_id, purpose=purpose, **by_org)
        .order_by("-date", "-recorded_at", "-id")
        .first()
    )


def consent_in_force(*, member_ids: Iterable[int], organisation_id: int, purpose: str) -> set[int]:
    """The members (of `member_ids`) whose consent for `purpose` with this organisation is
    given *now*: the latest record per member wins (a withdrawal is a newer row with
    `given=False`). A record without organisation is consent for no one in particular and
    does not count for an organisation. One query, whatever the number of members.
    """
    latest: dict[int, bool] = {}
    rows = (
        Consent.objects.filter(member_id__in=list(member_ids), purpose=purpose, organisation_id=organisation_id)
        .order_by("member_id", "-date", "-recorded_at", "-id")
        .values_list("member_id", "given")
    )
    for member_id, given in rows:
        latest.setdefault(member_id, given)
    return {member_id for member_id, given in latest.items() if given}


def case_regisseur_history(*, case: Case) -> QuerySet[RegisseurChange]:
    return case.regisseur_changes.select_related("from_user", "to_user", "changed_by")


@dataclass(frozen=True)
class TimelineItem:
    at: datetime.datetime
    kind: str  # "note" | "event"
    actor: str
    text: str
    action: str = ""


def case_timeline(*, case: Case, limit: int = 50) -> list[TimelineItem]:
    """Journal notes and audited writes of the case, newest first, in two queries."""
    notes = case.notes.select_related("author")[:limit]
    events = (
        AuditEvent.objects.filter(case_uuid=case.uuid, kind=EventKind.WRITE)
        .exclude(action="note_add")  # the note itself is shown instead
        .select_related("actor", "organisation")[:limit]
    )
    items = [TimelineItem(n.created_at, "note", str(n.author), n.text) for n in notes]
    # A partner's write through the API has no user: the organisation is named instead.
    items += [TimelineItem(e.created_at, "event", str(e.actor or e.organisation or "—"), "", e.action) for e in events]
    return sorted(items, key=lambda i: i.at, reverse=True)[:limit]


def case_access_log(*, case: Case) -> QuerySet[AuditEvent]:
    """All reads and writes of the case (by public id), newest first, actor and partner
    organisation (API reads) joined."""
    return AuditEvent.objects.filter(case_uuid=case.uuid).select_related("actor", "organisation")


def team_caseload(*, user: User) -> tuple[QuerySet, CaseListing]:
    """For a team leader: open cases per regisseur (one aggregate query) and the open
    cases of the teams they lead (count + one deferred-join query per page)."""
    team_ids = user.memberships.filter(role=Role.TEAMLEIDER).values("team_id")
    cases = Case.objects.open().filter(team_id__in=team_ids)
    counts = (
        cases.values("team__name", "regisseur__first_name", "regisseur__last_name", "regisseur__username")
        .annotate(n=Count("id"))
        .order_by("team__name", "regisseur__last_name", "regisseur__first_name")
    )
    return counts, CaseListing(base=cases, ordering=("-updated_at", "-id"), count=cases.count)


def team_regisseurs(*, team_id: int) -> QuerySet[User]:
    return User.objects.filter(
        memberships__team_id=team_id, memberships__role=Role.REGISSEUR, is_active=True
    ).distinct()


def colleagues_for_sharing(*, case: Case, actor: User) -> QuerySet[User]:
    """Active users holding a casework role (regisseur, teamleider, expert) in a team of the
    case's municipality, not the actor: the only people `services.case_share` accepts.

    Role and municipality are matched on the same membership row (one `filter()` call), so a
    controller of this municipality who is a regisseur elsewhere is not offered."""
    return (
        User.objects.filter(
            memberships__team__municipality_id=case.team.municipality_id,
            memberships__role__in=CASEWORK_ROLES,
            is_active=True,
        )
        .exclude(pk=actor.pk)
        .distinct()
        .order_by("last_name", "first_name")
    )
