"""Writes on persons, households and cases. Every write is atomic, validated and audited."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import CASEWORK_ROLES, Role
from accounts.models import Team, User
from accounts.services import notification_send
from socialdomain import authz
from socialdomain.audit import audit_write, changes_between

from . import permissions, selectors
from .bsn import clean_bsn
from .constants import Access, CaseStatus, Line, RegisseurChangeReason
from .models import (
    Case,
    CaseNote,
    CaseNumberSequence,
    Consent,
    Household,
    HouseholdMember,
    NetworkContact,
    Person,
    RegisseurChange,
)
from .selectors import case_open_for_persons, person_lookup


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


@dataclass(frozen=True)
class InvolvedContact:
    """The Verwijsindex answer: *that* a colleague is involved and how to reach them.

    Only the regisseur's name, team and e-mail address (no phone number is stored for
    staff): never the case number, the household or anything about the case.
    """

    name: str
    team: str
    email: str

    def as_message(self) -> str:
        """The one Dutch line a professional is shown (the same for every form)."""
        return _(
            "Betrokken regisseur: %(name)s, %(team)s%(email)s. Neem zo nodig contact op; deze verwijzing is gelogd."
        ) % {"name": self.name, "team": self.team, "email": f" ({self.email})" if self.email else ""}


@transaction.atomic
def verwijsindex_match(*, actor: User, case: Case) -> InvolvedContact:
    """Record that `actor` matched a person of `case` without being allowed to read it.

    Writes one audit event on the matched case (its access log shows who matched, when)
    and tells its regisseur who to contact; returns the contact line for the actor.
    """
    regisseur = case.regisseur
    audit_write(actor=actor, action="verwijsindex_match", obj=case, case_uuid=case.uuid, purpose="verwijsindex")
    if regisseur.pk != actor.pk:
        colleague = actor.get_full_name() or actor.username
        notification_send(
            recipient=regisseur,
            text=_("Verwijsindex: %(user)s legde iets vast over een betrokkene bij dossier %(number)s.")
            % {"user": colleague, "number": case.number},
            link=reverse("cases:detail", kwargs={"uuid": case.uuid}),
        )
    return InvolvedContact(
        name=regisseur.get_full_name() or regisseur.username, team=case.team.name, email=regisseur.email
    )


@transaction.atomic
def person_get_or_create(
    *,
    actor: User,
    municipality_id: int,
    first_name: str,
    last_name: str,
    birth_date: datetime.date | None,
    bsn: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    match_by_name: bool = False,
    readable_person_ids: QuerySet | None = None,
    contacts: list[InvolvedContact] | None = None,
) -> tuple[Person, bool]:
    """Find a person of the municipality by BSN (or, with `match_by_name`, by name + birth
    date) that the actor may read, or record a new one from what was typed.

    A match the actor may not read is neither linked nor shown: a new person is recorded
    (with the BSN encrypted but unindexed when a registered person holds it), and every
    open case of such a match gives a Verwijsindex contact line, appended to `contacts` and
    logged on that case (`verwijsindex_match`). So the answer to a stranger is the same for
    an unknown person, one with a closed case and one with an open case, apart from that
    line (docs/permissions.md, "Person lookup").

    Raises ValidationError for an invalid BSN, a birth date in the future, or missing name
    or birth date when a new person has to be recorded.
    """
    try:
        bsn = clean_bsn(bsn)
    except ValidationError as exc:
        raise ValidationError({"bsn": exc.messages}) from exc
    lookup = person_lookup(
        user=actor,
        municipality_id=municipality_id,
        bsn=bsn,
        first_name=first_name if match_by_name else "",
        last_name=last_name if match_by_name else "",
        birth_date=birth_date if match_by_name else None,
        readable_person_ids=readable_person_ids,
    )
    for involved in lookup.involved_cases:
        contact = verwijsindex_match(actor=actor, case=involved)
        if contacts is not None:
            contacts.append(contact)
    if lookup.person is not None:
        return lookup.person, False
    if not (first_name and last_name and birth_date):
        raise ValidationError(_("Vul voor een nieuwe persoon de naam en de geboortedatum in."))
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("De geboortedatum ligt in de toekomst.")})
    person = Person(
        municipality_id=municipality_id,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        phone=phone,
        email=email,
        address=address,
    )
    if bsn:
        person.set_bsn(bsn, indexed=not lookup.hidden)
    person.full_clean()
    person.save()
    audit_write(actor=actor, action="person_create", obj=person, changes={"bsn": ["", "*"]} if bsn else {})
    return person, True


@transaction.atomic
def household_create(*, actor: User, municipality_id: int, name: str, address: str = "") -> Household:
    household = Household(municipality_id=municipality_id, name=name, address=address)
    household.full_clean()
    household.save()
    audit_write(actor=actor, action="household_create", obj=household, changes={"name": [None, name]})
    return household


@transaction.atomic
def member_add(
    *, actor: User, household: Household, person: Person, role: str, case: Case | None = None
) -> HouseholdMember:
    """Add a person to a household (idempotent for the same person)."""
    member, created = HouseholdMember.objects.get_or_create(household=household, person=person, defaults={"role": role})
    if created:
        member.full_clean()
        audit_write(
            actor=actor,
            action="member_add",
            obj=member.person,
            changes={"role": [None, role]},
            case_uuid=case.uuid if case else None,
        )
    return member


@transaction.atomic
def network_contact_add(*, actor: User, case: Case, **fields: Any) -> NetworkContact:
    contact = NetworkContact(household=case.household, **fields)
    contact.full_clean()
    contact.save()
    audit_write(
        actor=actor,
        action="network_add",
        obj=contact,
        case_uuid=case.uuid,
        changes={"relation": [None, contact.relation]},
    )
    return contact


def _next_case_number() -> str:
    year = timezone.localdate().year
    # Row lock on the year's counter: concurrent openings get distinct numbers.
    seq, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{year}-{seq.last:05d}"


@transaction.atomic
def case_open(
    *,
    actor: User,
    household: Household,
    team: Team,
    regisseur: User,
    line: str = Line.SECOND,
    safety_flag: bool = False,
) -> Case:
    """Open the household's case. A household has at most one open case (DB constraint).

    Raises PermissionDenied if the actor may not open cases for the team, ValidationError
    if the household already has an open case.
    """
    if not permissions.can_open_case_for_team(actor, team.pk):
        raise PermissionDenied
    if Case.objects.filter(household=household, status=CaseStatus.OPEN).exists():
        raise ValidationError({"household": _("Dit huishouden heeft al een open dossier.")}, code="duplicate_open_case")
    case = Case(
        household=household,
        team=team,
        regisseur=regisseur,
        line=line,
        safety_flag=safety_flag,
        number=_next_case_number(),
    )
    case.full_clean(exclude=["household"])
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # a concurrent opening won the race
        raise ValidationError({"household": _("Dit huishouden heeft al een open dossier.")}) from exc
    RegisseurChange.objects.create(case=case, to_user=regisseur, reason=RegisseurChangeReason.INITIAL, changed_by=actor)
    audit_write(
        actor=actor,
        action="case_open",
        obj=case,
        case_uuid=case.uuid,
        changes={"team": [None, team.pk], "regisseur": [None, regisseur.pk], "line": [None, line]},
    )
    return case


CASE_EDITABLE = ["line"]


@transaction.atomic
def case_update(*, actor: User, case: Case, **fields: Any) -> Case:
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    before = _snapshot(case, list(fields))
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean(exclude=["household"])
    case.save(update_fields=[*fields, "updated_at"])
    audit_write(
        actor=actor, action="case_update", obj=case, case_uuid=case.uuid, changes=changes_between(before, fields)
    )
    return case


def _touch(case: Case) -> None:
    case.save(update_fields=["updated_at"])


@transaction.atomic
def case_share(*, actor: User, case: Case, access: str, user: User | None = None, team: Team | None = None) -> None:
    """Share a case with a colleague or a whole team, read-only or read + write.

    Shares go only to active users holding a casework role (regisseur, teamleider, expert)
    in a team of the case's municipality, or to a team of that municipality (whose group
    holds only its casework members). Changing the access of an existing share replaces it
    (write → read takes write away). Raises PermissionDenied if the actor may not share,
    ValidationError for any other recipient.
    """
    if not permissions.can_share(actor, case):
        raise PermissionDenied
    if (user is None) == (team is None):
        raise ValidationError(_("Kies een collega of een team."))
    municipality_id = case.team.municipality_id
    if user is not None and not (
        user.is_active
        and user.memberships.filter(team__municipality_id=municipality_id, role__in=CASEWORK_ROLES).exists()
    ):
        # Only casework roles of the case's own municipality: never a controller or an
        # administrator, never someone of another municipality (a separate data controller).
        raise ValidationError(
            {"user": _("Delen kan alleen met een regisseur, teamleider of expert van de eigen gemeente.")},
            code="share_not_casework",
        )
    if team is not None and team.municipality_id != municipality_id:
        raise ValidationError({"team": _("Delen kan alleen met een team van de eigen gemeente.")}, code="share_team")
    principal: User | Group = user if user is not None else team.group  # type: ignore[union-attr]
    authz.grant(codename=permissions.VIEW, to=principal, obj=case)
    if access == Access.WRITE:
        authz.grant(codename=permissions.CHANGE, to=principal, obj=case)
    else:
        authz.revoke(codename=permissions.CHANGE, frm=principal, obj=case)
    _touch(case)
    _notify_share(actor=actor, case=case, access=access, user=user, team=team)
    audit_write(
        actor=actor,
        action="case_share",
        obj=case,
        case_uuid=case.uuid,
        changes={"user" if user else "team": [None, principal.pk], "access": [None, access]},
    )


def _notify_share(*, actor: User, case: Case, access: str, user: User | None, team: Team | None) -> None:
    """Tell the new reader(s): the case number and the kind of access, nothing else (they
    may now open the case, so its number reveals nothing they cannot read)."""
    if access == Access.WRITE:
        text = _("Dossier %(number)s is met u gedeeld: u mag meelezen en registreren.")
    else:
        text = _("Dossier %(number)s is met u gedeeld: u mag meelezen.")
    text = text % {"number": case.number}
    link = reverse("cases:detail", kwargs={"uuid": case.uuid})
    if user is not None:
        recipients = [user]
    else:
        # The team's group holds only its casework members (accounts.user_sync_team_groups).
        recipients = list(User.objects.filter(groups=team.group_id, is_active=True).exclude(pk=actor.pk))  # type: ignore[union-attr]
    for recipient in recipients:
        if recipient.pk != actor.pk:
            notification_send(recipient=recipient, text=text, link=link)


@transaction.atomic
def case_unshare(*, actor: User, case: Case, user: User | None = None, team: Team | None = None) -> None:
    """Revoke a share at once (read and write)."""
    if not permissions.can_share(actor, case):
        raise PermissionDenied
    principal: User | Group = user if user is not None else team.group  # type: ignore[union-attr]
    authz.revoke(codename=permissions.CHANGE, frm=principal, obj=case)
    authz.revoke(codename=permissions.VIEW, frm=principal, obj=case)
    _touch(case)
    audit_write(
        actor=actor, action="case_unshare", obj=case, case_uuid=case.uuid, changes={"principal": [principal.pk, None]}
    )


@transaction.atomic
def case_reassign(*, actor: User, case: Case, regisseur: User, reason: str, note: str = "") -> Case:
    """Change the regisseur (team leader only). Write moves with the role: the old
    regisseur keeps nothing unless a share gives it."""
    if not permissions.can_reassign(actor, case):
        raise PermissionDenied
    if reason not in RegisseurChangeReason.values or reason == RegisseurChangeReason.INITIAL:
        raise ValidationError({"reason": _("Kies een reden voor de wissel.")})
    if regisseur.pk == case.regisseur_id:
        raise ValidationError({"regisseur": _("Deze collega is al de regisseur.")})
    old = case.regisseur
    change = RegisseurChange(case=case, from_user=old, to_user=regisseur, reason=reason, note=note, changed_by=actor)
    change.full_clean()  # the note's length and characters (socialdomain.validators), before anything is saved
    case.regisseur = regisseur
    case.save(update_fields=["regisseur", "updated_at"])
    change.save()
    audit_write(
        actor=actor,
        action="case_reassign",
        obj=case,
        case_uuid=case.uuid,
        changes={"regisseur": [old.pk, regisseur.pk], "reason": [None, reason]},
    )
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case, outcome: str, reason: str = "") -> Case:
    if not case.is_open:
        raise ValidationError(_("Dit dossier is al gesloten."))
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    before = _snapshot(case, ["status", "outcome"])
    case.status = CaseStatus.CLOSED
    case.closed_on = timezone.localdate()
    case.outcome = outcome
    case.close_reason = reason
    case.full_clean(exclude=["household"])
    case.save(update_fields=["status", "closed_on", "outcome", "close_reason", "updated_at"])
    audit_write(
        actor=actor,
        action="case_close",
        obj=case,
        case_uuid=case.uuid,
        changes=changes_between(before, {"status": case.status, "outcome": outcome}),
    )
    return case


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    note = CaseNote(case=case, author=actor, text=text)
    note.full_clean()
    note.save()
    _touch(case)
    audit_write(actor=actor, action="note_add", obj=note, case_uuid=case.uuid, changes={"text": [None, "*"]})
    return note


@transaction.atomic
def consent_record(
    *, actor: User, case: Case, member: HouseholdMember, purpose: str, given: bool, method: str, **fields: Any
) -> Consent:
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    if member.household_id != case.household_id:
        raise ValidationError({"member": _("Deze persoon hoort niet bij dit huishouden.")})
    consent = Consent(member=member, purpose=purpose, given=given, method=method, recorded_by=actor, **fields)
    consent.full_clean()
    consent.save()
    audit_write(
        actor=actor,
        action="consent_record",
        obj=consent,
        case_uuid=case.uuid,
        changes={"purpose": [None, purpose], "given": [None, given]},
    )
    return consent


@transaction.atomic
def consent_change(
    *, actor: User, case: Case, current: Consent, given: bool, method: str, date: datetime.date
) -> Consent:
    """Withdraw (`given=False`) or give again (`given=True`) one member's consent for one
    organisation and purpose: a new record, the old ones stay as its history.

    `current` is the record the user saw as in force. Refused with a Dutch ValidationError
    when another change came first (`current` is no longer the latest: no lost update), when
    the consent already is in that state, or when `date` lies before the record in force
    (the latest date wins in `selectors.consent_in_force`, so an earlier date would not
    change what every check reads). Raises PermissionDenied without write access.
    """
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    member = HouseholdMember.objects.select_for_update().get(pk=current.member_id)  # serialise changes
    if member.household_id != case.household_id:
        raise ValidationError({"member": _("Deze persoon hoort niet bij dit huishouden.")})
    latest = selectors.consent_latest(
        member_id=member.pk, organisation_id=current.organisation_id, purpose=current.purpose
    )
    if latest is None or latest.pk != current.pk:
        raise ValidationError(
            _("Deze toestemming is intussen gewijzigd. Bekijk de huidige stand en probeer het opnieuw."), code="stale"
        )
    if latest.given == given:
        message = _("De toestemming is al gegeven.") if given else _("De toestemming is al ingetrokken.")
        raise ValidationError(message, code="unchanged")
    if date < latest.date:
        raise ValidationError(
            {"date": _("De datum ligt vóór de huidige stand (%(date)s).") % {"date": latest.date.strftime("%d-%m-%Y")}},
            code="before_current",
        )
    consent = Consent(
        member=member,
        purpose=current.purpose,
        organisation_id=current.organisation_id,
        given=given,
        method=method,
        date=date,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    audit_write(
        actor=actor,
        action="consent_regive" if given else "consent_withdraw",
        obj=consent,
        case_uuid=case.uuid,
        changes={
            "given": [latest.given, given],
            "purpose": [None, current.purpose],
            "organisation": [None, current.organisation_id],
            "previous": [None, str(latest.uuid)],
        },
    )
    return consent


@transaction.atomic
def case_safety_flag_set(*, actor: User, case: Case) -> Case:
    """Flag a case for a safety signal (Meldcode). Any regisseur or team leader of the
    case's municipality may raise the flag, even without write access: safety goes first
    (a safety signal triaged by another team of the municipality reaches the household's
    case). Raising the flag shows nothing of the case."""
    may_flag = (
        permissions.can_write(actor, case)
        or actor.memberships.filter(
            team__municipality_id=case.team.municipality_id, role__in=[Role.REGISSEUR, Role.TEAMLEIDER]
        ).exists()
    )
    if not may_flag:
        raise PermissionDenied
    if not case.safety_flag:
        case.safety_flag = True
        case.save(update_fields=["safety_flag", "updated_at"])
        audit_write(
            actor=actor,
            action="case_safety_flag",
            obj=case,
            case_uuid=case.uuid,
            changes={"safety_flag": [False, True]},
        )
    return case


# --- Use cases of the case screens (cases/views.py) ---------------------------------------

# Personal data: the log records that these fields changed, never their values.
_PERSONAL_FIELDS = frozenset({"name", "address", "phone", "email"})


def _redact(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {k: (["*", "*"] if k in _PERSONAL_FIELDS else v) for k, v in changes.items()}


@transaction.atomic
def case_open_for_new_household(
    *,
    actor: User,
    team: Team,
    regisseur: User,
    line: str,
    household_name: str,
    household_address: str,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    role: str,
    bsn: str = "",
    contacts: list[InvolvedContact] | None = None,
) -> Case:
    """Open a case for a new household with its first member, all or nothing.

    A known BSN of the team's municipality links the existing person if the actor may read
    them ("ask once"); if the actor may also read that person's open case, raise
    ValidationError (one open case per household). A person or an open case the actor may
    not read is never linked or mentioned: a new person is recorded and the Verwijsindex
    contact line of that case is appended to `contacts` (see `person_get_or_create`).
    """
    if not permissions.can_open_case_for_team(actor, team.pk):
        raise PermissionDenied
    person, _created = person_get_or_create(
        actor=actor,
        municipality_id=team.municipality_id,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        bsn=bsn,
        contacts=contacts,
    )
    if case_open_for_persons(municipality_id=team.municipality_id, person_ids=[person.pk], user=actor) is not None:
        raise ValidationError(
            {"bsn": _("Voor deze persoon loopt al een open dossier. Neem contact op met de teamleider.")},
            code="duplicate_open_case",
        )
    household = household_create(
        actor=actor, municipality_id=team.municipality_id, name=household_name, address=household_address
    )
    case = case_open(actor=actor, household=household, team=team, regisseur=regisseur, line=line)
    member_add(actor=actor, household=household, person=person, role=role, case=case)
    return case


@transaction.atomic
def case_edit(*, actor: User, case: Case, household_name: str, household_address: str, line: str) -> Case:
    """Edit the household's name and address and the case's line: one audited change.

    Raises PermissionDenied without write access, ValidationError for a closed case.
    """
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    if not case.is_open:
        raise ValidationError(_("Een gesloten dossier kan niet meer worden bewerkt."))
    household = case.household
    before = {"name": household.name, "address": household.address, "line": case.line}
    after = {"name": household_name, "address": household_address, "line": line}
    household.name, household.address = household_name, household_address
    household.full_clean()
    household.save(update_fields=["name", "address", "updated_at"])
    case.line = line
    case.full_clean(exclude=["household"])
    case.save(update_fields=["line", "updated_at"])
    audit_write(
        actor=actor,
        action="case_update",
        obj=case,
        case_uuid=case.uuid,
        changes=_redact(changes_between(before, after)),
    )
    return case


@transaction.atomic
def member_add_to_case(
    *,
    actor: User,
    case: Case,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    role: str,
    bsn: str = "",
    contacts: list[InvolvedContact] | None = None,
) -> HouseholdMember:
    """Add a (new or known-by-BSN) person to the case's household.

    The BSN is looked up in the household's municipality only, and a known person is linked
    only if the actor may read them; otherwise a new person is recorded from what was typed
    and any open case of the match gives a contact line in `contacts` (`person_get_or_create`).
    """
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    person, _created = person_get_or_create(
        actor=actor,
        municipality_id=case.household.municipality_id,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        bsn=bsn,
        contacts=contacts,
    )
    member = member_add(actor=actor, household=case.household, person=person, role=role, case=case)
    _touch(case)
    return member


@transaction.atomic
def member_update(
    *, actor: User, case: Case, member: HouseholdMember, role: str, phone: str = "", email: str = ""
) -> HouseholdMember:
    """Change a member's role and contact details."""
    if not permissions.can_write(actor, case):
        raise PermissionDenied
    if member.household_id != case.household_id:
        raise ValidationError({"member": _("Deze persoon hoort niet bij dit huishouden.")})
    person = member.person
    before = {"role": member.role, "phone": person.phone, "email": person.email}
    member.role = role
    member.full_clean()
    member.save(update_fields=["role"])
    person.phone, person.email = phone, email
    person.full_clean()
    person.save(update_fields=["phone", "email", "updated_at"])
    audit_write(
        actor=actor,
        action="member_update",
        obj=person,
        case_uuid=case.uuid,
        changes=_redact(changes_between(before, {"role": role, "phone": phone, "email": email})),
    )
    _touch(case)
    return member
