"""Writes for intake: signals, triage, the Meldcode steps, notifications and het gesprek.

Every public write is keyword-only, atomic, validated and audited once (with the case's
uuid when the record is tied to a case). The cases app is used only through its
services, selectors and permissions.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.constants import CASEWORK_ROLES, Role
from accounts.models import Municipality, Team, User
from accounts.services import notification_send
from cases import permissions as case_permissions
from cases import selectors as case_selectors
from cases import services as case_services
from cases.constants import MemberRole
from cases.models import Case, Person
from cases.services import InvolvedContact
from socialdomain.audit import audit_write
from socialdomain.concurrency import StaleVersion, bump_version, check_version, lock_row

from .constants import (
    DEFAULT_DOMAIN_AGE_BANDS,
    AdviceOutcome,
    Domain,
    GesprekStatus,
    MeldcodeStepKind,
    SignalStatus,
    TriageRoute,
)
from .models import DomainAgeBand, DomainScore, Gesprek, MeldcodeStep, Signal
from .selectors import signal_person_ids_visible_to

LADDER_FIELDS = ["ladder_own", "ladder_network", "ladder_general", "ladder_tailored"]
GESPREK_FIELDS = ["date", "place", "professionals", "question_behind", *LADDER_FIELDS, "ladder_skip_reason"]


@dataclass(frozen=True)
class PersonInput:
    """A person as reported: by BSN, or by name and birth date (or both)."""

    first_name: str = ""
    last_name: str = ""
    birth_date: datetime.date | None = None
    bsn: str = ""


@dataclass(frozen=True)
class ScoreInput:
    member_id: int
    domain: str
    score: int
    note: str = ""


class GesprekConflict(StaleVersion):
    """Raised when a gesprek was saved by someone else since the editor loaded it."""


def _is_member(user: User, team_id: int, roles: list[str] | None = None) -> bool:
    qs = user.memberships.filter(team_id=team_id)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.exists()


def _signal_url(signal: Signal) -> str:
    return reverse("intake:signal_detail", kwargs={"uuid": signal.uuid})


def _resolve_person(*, actor: User, team: Team, data: PersonInput, contacts: list[InvolvedContact]) -> Person:
    """The registered person of the team's municipality the actor may read (by BSN, or by
    name + birth date), or a new one from what was typed; see
    `cases.services.person_get_or_create` for the Verwijsindex rule."""
    return case_services.person_get_or_create(
        actor=actor,
        municipality_id=team.municipality_id,
        first_name=data.first_name,
        last_name=data.last_name,
        birth_date=data.birth_date,
        bsn=data.bsn,
        match_by_name=True,
        readable_person_ids=signal_person_ids_visible_to(actor),
        contacts=contacts,
    )[0]


def _attach(*, signal: Signal, case: Case, actor: User) -> None:
    signal.case = case
    if case.regisseur_id != actor.pk:
        notification_send(
            recipient=case.regisseur,
            text=_("Nieuwe aanmelding bij dossier %(number)s") % {"number": case.number},
            link=_signal_url(signal),
        )


@transaction.atomic
def signal_create(
    *,
    actor: User,
    team: Team,
    source: str,
    question: str,
    persons: list[PersonInput],
    reporter_name: str = "",
    reporter_contact: str = "",
    received_on: datetime.date | None = None,
    contacts: list[InvolvedContact] | None = None,
) -> Signal:
    """Register a signal for the receiving team.

    Persons are found in the team's municipality only, by BSN or by name + birth date, and
    reused only when the actor may read them; otherwise they are recorded from what was
    typed (docs/permissions.md, "Person lookup"). When one of them belongs to a household
    with an open case *the actor may read*, the signal is attached to that case and its
    regisseur notified instead of waiting for triage. An open case the actor may not read
    is never attached or mentioned: the signal stays unlinked in the team's inbox, the
    case's regisseur is told who registered something (Verwijsindex) and the actor gets
    only the contact line, appended to `contacts`.

    Raises PermissionDenied unless the actor holds a casework role in the team,
    ValidationError for bad input (nothing is saved then).
    """
    if not _is_member(actor, team.pk, list(CASEWORK_ROLES)):
        raise PermissionDenied
    if not persons:
        raise ValidationError(_("Vul ten minste één betrokkene in."))
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("De datum van ontvangst ligt in de toekomst.")})
    found: list[InvolvedContact] = []
    resolved: dict[int, Person] = {}  # the same person typed twice is one betrokkene
    for data in persons:
        person = _resolve_person(actor=actor, team=team, data=data, contacts=found)
        resolved.setdefault(person.pk, person)
    signal = Signal(
        team=team,
        source=source,
        question=question,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        received_on=received_on,
        created_by=actor,
    )
    open_case = case_selectors.case_open_for_persons(
        municipality_id=team.municipality_id, person_ids=list(resolved), user=actor
    )
    if contacts is not None:
        contacts.extend(dict.fromkeys(found))  # one line per regisseur, in order
    if open_case is not None:
        _attach(signal=signal, case=open_case, actor=actor)
        signal.route = TriageRoute.ATTACHED
        signal.status = SignalStatus.DONE
    signal.full_clean()
    signal.save()
    signal.persons.set(resolved.values())
    audit_write(
        actor=actor,
        action="signal_create",
        obj=signal,
        case_uuid=open_case.uuid if open_case else None,
        changes={"source": [None, source], "question": [None, "*"], "case": [None, getattr(open_case, "number", None)]},
    )
    return signal


def _member_role(person: Person) -> str:
    return MemberRole.CHILD if person.age < 18 else MemberRole.PARENT


@transaction.atomic
def signal_triage(
    *,
    actor: User,
    signal: Signal,
    route: str,
    advice_outcome: str = "",
    note: str = "",
    regisseur: User | None = None,
    gesprek_planned_on: datetime.date | None = None,
    household_name: str = "",
    contacts: list[InvolvedContact] | None = None,
) -> Signal:
    """Triage an unlinked signal by its receiving team.

    - advice: closed with an outcome (first line);
    - case: the household's open case of the signal's municipality if there is one (never
      a second; also when the signal's person was recorded unindexed by a stranger), otherwise
      a household (existing or new) and a new case with the chosen regisseur. A triager who
      may not read that open case gets only its Verwijsindex contact line (`contacts`,
      logged on the case) and loses sight of the signal, which now belongs to the case;
    - safety (Meldcode): as case, with the safety flag, the five Meldcode steps and an
      immediate notification to the team's leaders.
    """
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if not _is_member(actor, signal.team_id, [Role.REGISSEUR, Role.TEAMLEIDER]):
        raise PermissionDenied
    if signal.case_id is not None or signal.status == SignalStatus.DONE:
        raise ValidationError(_("Deze aanmelding is al afgehandeld."))
    errors: dict[str, str] = {}
    if route not in (TriageRoute.ADVICE, TriageRoute.CASE, TriageRoute.SAFETY):
        errors["route"] = _("Kies een route.")
    if route == TriageRoute.ADVICE and advice_outcome not in AdviceOutcome.values:
        errors["advice_outcome"] = _("Kies de uitkomst van het advies.")
    if route in (TriageRoute.CASE, TriageRoute.SAFETY):
        if regisseur is None or not _is_member(regisseur, signal.team_id, [Role.REGISSEUR]):
            errors["regisseur"] = _("Kies een regisseur uit het team.")
        if route == TriageRoute.CASE and gesprek_planned_on is None:
            errors["gesprek_planned_on"] = _("Plan een datum voor het gesprek.")
    if gesprek_planned_on and gesprek_planned_on < signal.received_on:
        errors["gesprek_planned_on"] = _("Het gesprek kan niet vóór de aanmelding liggen.")
    if errors:
        raise ValidationError(errors)

    signal.route = route
    signal.triage_note = note
    case: Case | None = None
    if route == TriageRoute.ADVICE:
        signal.advice_outcome = advice_outcome
        signal.status = SignalStatus.DONE
    else:
        assert regisseur is not None
        persons = list(signal.persons.all())
        municipality_id = signal.team.municipality_id
        # One household, one case: a person recorded by a stranger (unindexed BSN) still
        # reaches the registered person's open case here.
        registered = case_selectors.registered_person_ids_sharing_bsn(municipality_id=municipality_id, persons=persons)
        case = case_selectors.case_open_for_persons(
            municipality_id=municipality_id, person_ids=[p.pk for p in persons] + registered
        )
        if case is not None:
            if not case_permissions.can_read(actor, case):
                contact = case_services.verwijsindex_match(actor=actor, case=case)
                if contacts is not None:
                    contacts.append(contact)
            _attach(signal=signal, case=case, actor=actor)
            if route == TriageRoute.SAFETY:
                case_services.case_safety_flag_set(actor=actor, case=case)
        else:
            household = case_selectors.household_for_persons(
                municipality_id=municipality_id, person_ids=[p.pk for p in persons]
            )
            if household is None:
                name = household_name or _("Huishouden %(name)s") % {"name": persons[0].last_name}
                household = case_services.household_create(
                    actor=actor, municipality_id=signal.team.municipality_id, name=name
                )
            case = case_services.case_open(
                actor=actor,
                household=household,
                team=signal.team,
                regisseur=regisseur,
                safety_flag=route == TriageRoute.SAFETY,
            )
            for person in persons:
                case_services.member_add(
                    actor=actor, household=household, person=person, role=_member_role(person), case=case
                )
            signal.case = case
            if regisseur.pk != actor.pk:
                notification_send(
                    recipient=regisseur,
                    text=_("U bent regisseur van nieuw dossier %(number)s") % {"number": case.number},
                    link=_signal_url(signal),
                )
        signal.gesprek_planned_on = gesprek_planned_on
        signal.status = SignalStatus.WAITING
        if route == TriageRoute.SAFETY:
            for step in MeldcodeStepKind:
                MeldcodeStep.objects.get_or_create(case=case, step=step, defaults={"signal": signal})
            leaders = User.objects.filter(
                memberships__team_id=signal.team_id, memberships__role=Role.TEAMLEIDER
            ).distinct()
            for leader in leaders:
                notification_send(
                    recipient=leader,
                    text=_("Veiligheidssignaal (Meldcode) bij dossier %(number)s") % {"number": case.number},
                    link=_signal_url(signal),
                )
    signal.full_clean()
    signal.save()
    audit_write(
        actor=actor,
        action="signal_triage",
        obj=signal,
        case_uuid=case.uuid if case else None,
        changes={"route": [None, route], "status": [None, signal.status]},
        flagged=route == TriageRoute.SAFETY,
    )
    return signal


def _meldcode_received_on(step: MeldcodeStep) -> datetime.date | None:
    """The day the safety signal came in: no Meldcode step can be done before it.

    The step's own signal (set at triage); if that link is gone, the case's first signal.
    """
    if step.signal_id is not None:
        return step.signal.received_on  # type: ignore[union-attr]
    first = Signal.objects.filter(case_id=step.case_id).order_by("received_on").first()
    return first.received_on if first else None


@transaction.atomic
def meldcode_step_complete(*, actor: User, step: MeldcodeStep, done_on: datetime.date) -> MeldcodeStep:
    """Record the date a Meldcode step was completed (regisseur or team leader)."""
    case = step.case
    if not (case_permissions.can_write(actor, case) or case_permissions.is_teamleider_of(actor, case)):
        raise PermissionDenied
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("De datum ligt in de toekomst.")})
    received_on = _meldcode_received_on(step)
    if received_on is not None and done_on < received_on:
        raise ValidationError(
            {
                "done_on": _("De datum ligt vóór de ontvangst van het signaal (%(date)s).")
                % {"date": date_format(received_on, "j F Y")}
            }
        )
    before = step.done_on
    step.done_on = done_on
    step.full_clean()
    step.save(update_fields=["done_on"])
    audit_write(
        actor=actor,
        action="meldcode_step",
        obj=step,
        case_uuid=case.uuid,
        changes={f"step_{step.step}": [before, done_on]},
        flagged=True,
    )
    return step


@transaction.atomic
def meldcode_steps_complete(
    *, actor: User, case: Case, done_on_by_step: dict[int, datetime.date | None]
) -> list[MeldcodeStep]:
    """Record the dates of several Meldcode steps of a case at once: all or nothing.

    Each changed step goes through `meldcode_step_complete` (validated, audited once per
    step). A date once recorded can be corrected but not erased: the Meldcode asks for a
    traceable course of action. Errors are collected per step (keys `step_<n>`) and raised
    together as one ValidationError; the transaction then rolls back, so nothing is saved.
    Raises PermissionDenied if the actor may not record steps on this case.
    """
    if not (case_permissions.can_write(actor, case) or case_permissions.is_teamleider_of(actor, case)):
        raise PermissionDenied
    steps = list(
        MeldcodeStep.objects.select_for_update(of=("self",))
        .filter(case=case)
        .select_related("case", "signal")
        .order_by("step")
    )
    errors: dict[str, list[str]] = {}
    changed = []
    for step in steps:
        if step.step not in done_on_by_step:
            continue
        key = f"step_{step.step}"
        done_on = done_on_by_step[step.step]
        if done_on is None:
            if step.done_on is not None:
                errors[key] = [_("Een vastgelegde datum kan niet worden leeggemaakt; corrigeer hem zo nodig.")]
            continue
        if done_on == step.done_on:
            continue
        try:
            changed.append(meldcode_step_complete(actor=actor, step=step, done_on=done_on))
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return changed


def _open_draft(case: Case) -> Gesprek | None:
    return Gesprek.objects.filter(case=case, status=GesprekStatus.DRAFT).first()


@transaction.atomic
def gesprek_start(*, actor: User, case: Case) -> Gesprek:
    """The case's open draft gesprek, or a new draft, prefilled ("ask once, use many
    times"): all household members and network contacts as participants and the previous
    gesprek's scores.

    A case has at most one open draft (the partial unique index
    `gesprek_one_draft_per_case`): "Nieuw gesprek" while a draft exists opens that draft,
    and so does a second click or a colleague starting at the same moment (the loser of
    the race gets the winner's draft, nothing is duplicated).
    """
    if not case_permissions.can_write(actor, case):
        raise PermissionDenied
    if not case.is_open:
        raise ValidationError(_("Dit dossier is gesloten."))
    draft = _open_draft(case)
    if draft is not None:
        return draft
    try:
        with transaction.atomic():  # a savepoint: the unique index may refuse a racing second draft
            return _gesprek_create(actor=actor, case=case)
    except IntegrityError:
        draft = _open_draft(case)
        if draft is None:
            raise
        return draft


def _gesprek_create(*, actor: User, case: Case) -> Gesprek:
    previous = Gesprek.objects.filter(case=case).order_by("-date", "-created_at").first()
    gesprek = Gesprek(case=case, created_by=actor, updated_by=actor)
    if previous is not None:
        gesprek.place = previous.place
        gesprek.professionals = previous.professionals
    # The one-draft index is left to the database: a racing draft committed since the check
    # in `gesprek_start` must surface as IntegrityError (handled there), not as a form error.
    gesprek.full_clean(validate_constraints=False)
    gesprek.save()
    gesprek.members.set(case_selectors.household_members(household=case.household))
    gesprek.contacts.set(case_selectors.household_network(household=case.household))
    if previous is not None:
        DomainScore.objects.bulk_create(
            DomainScore(gesprek=gesprek, member_id=s.member_id, domain=s.domain, score=s.score, note=s.note)
            for s in previous.scores.all()
        )
    audit_write(actor=actor, action="gesprek_start", obj=gesprek, case_uuid=case.uuid)
    return gesprek


def _validate_gesprek(
    *,
    gesprek: Gesprek,
    fields: dict,
    member_ids: set[int],
    contact_ids: set[int],
    scores: list[ScoreInput],
    final: bool,
) -> None:
    household = gesprek.case.household
    allowed_members = set(case_selectors.household_members(household=household).values_list("pk", flat=True))
    allowed_contacts = set(case_selectors.household_network(household=household).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    date = fields.get("date")
    if date and date > timezone.localdate():
        errors.setdefault("date", []).append(_("De datum van het gesprek ligt in de toekomst."))
    if member_ids - allowed_members:
        errors.setdefault("members", []).append(_("Een deelnemer hoort niet bij dit huishouden."))
    if contact_ids - allowed_contacts:
        errors.setdefault("contacts", []).append(_("Een deelnemer hoort niet bij het netwerk van dit huishouden."))
    for s in scores:
        if s.member_id not in allowed_members:
            errors.setdefault("__all__", []).append(_("Een score hoort bij iemand buiten dit huishouden."))
        if s.domain not in Domain.values:
            errors.setdefault("__all__", []).append(_("Onbekend leefgebied."))
        if not isinstance(s.score, int) or not 1 <= s.score <= 5:
            errors.setdefault("__all__", []).append(_("Een score moet tussen 1 en 5 liggen."))
    if final:
        filled = [bool((fields.get(f) or "").strip()) for f in LADDER_FIELDS]
        skipped = any(filled[i] and not all(filled[:i]) for i in range(len(filled)))
        if skipped and not (fields.get("ladder_skip_reason") or "").strip():
            errors.setdefault("ladder_skip_reason", []).append(
                _("Licht toe waarom een eerdere trede van de oplossingsladder is overgeslagen.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def gesprek_save(
    *,
    actor: User,
    gesprek: Gesprek,
    expected_version: int,
    fields: dict,
    member_ids: set[int],
    contact_ids: set[int],
    scores: list[ScoreInput],
    final: bool = False,
) -> Gesprek:
    """Save a gesprek (draft autosave or final), with optimistic locking.

    The row is locked and its version compared with the version the editor started
    from; if someone saved in between, GesprekConflict carries their version and
    nothing is written. Raises ValidationError for bad input (nothing saved).
    """
    current = lock_row(Gesprek.objects.select_related("case__household"), pk=gesprek.pk)
    if not case_permissions.can_write(actor, current.case):
        raise PermissionDenied
    check_version(current, expected_version, conflict=GesprekConflict)
    if current.status == GesprekStatus.FINAL:
        raise ValidationError(_("Dit gesprek is al definitief vastgelegd."))
    _validate_gesprek(
        gesprek=current, fields=fields, member_ids=member_ids, contact_ids=contact_ids, scores=scores, final=final
    )
    changed = [f for f in GESPREK_FIELDS if f in fields and getattr(current, f) != fields[f]]
    for name in GESPREK_FIELDS:
        if name in fields:
            setattr(current, name, fields[name])
    bump_version(current)
    current.updated_by = actor
    if final:
        current.status = GesprekStatus.FINAL
    current.full_clean()
    current.save()
    signals_done = 0
    if final:
        # The flow moves by itself: the case's signals waiting for this gesprek are done
        # (the inbox's "Wacht op gesprek" tab and its count follow).
        signals_done = Signal.objects.filter(case_id=current.case_id, status=SignalStatus.WAITING).update(
            status=SignalStatus.DONE, updated_at=timezone.now()
        )
    current.members.set(member_ids)
    current.contacts.set(contact_ids)
    current.scores.all().delete()
    rows = [
        DomainScore(gesprek=current, member_id=s.member_id, domain=s.domain, score=s.score, note=s.note) for s in scores
    ]
    for row in rows:
        row.full_clean(exclude=["gesprek", "member"], validate_unique=False, validate_constraints=False)
    DomainScore.objects.bulk_create(rows)
    audit_write(
        actor=actor,
        action="gesprek_finalise" if final else "gesprek_save",
        obj=current,
        case_uuid=current.case.uuid,
        changes={
            **{f: [None, "*"] for f in changed},
            "version": [expected_version, current.version],
            **({"signals_done": [None, signals_done]} if signals_done else {}),
        },
    )
    return current


@transaction.atomic
def domain_age_bands_ensure_defaults(*, actor: User | None, municipality: Municipality) -> int:
    """Give a municipality without life-domain bands the defaults; idempotent.

    Returns the number of bands created (0 when the municipality already has its own).
    Changes afterwards are the functional administrator's, in the admin.
    """
    if DomainAgeBand.objects.select_for_update().filter(municipality=municipality).exists():
        return 0
    bands = [
        DomainAgeBand(municipality=municipality, domain=domain, min_age=lo, max_age=hi)
        for domain, lo, hi in DEFAULT_DOMAIN_AGE_BANDS
    ]
    for band in bands:
        band.full_clean()
    DomainAgeBand.objects.bulk_create(bands)
    audit_write(actor=actor, action="domain_age_bands_default", obj=municipality, changes={"bands": [None, len(bands)]})
    return len(bands)
