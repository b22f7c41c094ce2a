"""Hole 12 (issue 9): bad input is refused with a Dutch message and nothing is saved.

Covers invisible control characters (bidi overrides, NUL, bell), dates far in the past or
future, 100 000-character texts (form, service and database), the search term, double
submits (sequential and concurrent), the gesprek's hidden and per-score fields, and a
missing CSRF token. Every request answers a page (never a 500).
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import threading
import uuid
from pathlib import Path

import pytest
from django import forms as django_forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Case, CaseNote, Consent, HouseholdMember, NetworkContact, Person
from intake import services as intake_services
from intake.constants import SignalSource
from intake.models import Gesprek, Signal
from socialdomain import validators
from socialdomain.forms import InputPolicyMixin
from tests.accounts.factories import TeamFactory
from tests.cases.factories import CaseFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
TODAY = timezone.localdate
HUGE = "x" * 100_000
CONTROL_MESSAGE = "onzichtbaar stuurteken"


@pytest.fixture
def team():  # type: ignore[no-untyped-def]
    return TeamFactory()


@pytest.fixture
def regisseur(make_user, team):  # type: ignore[no-untyped-def]
    return make_user(Role.REGISSEUR, team=team)


@pytest.fixture
def case(team, regisseur):  # type: ignore[no-untyped-def]
    return CaseFactory(team=team, regisseur=regisseur, household=HouseholdFactory(municipality=team.municipality))


@pytest.fixture
def logged_in(client, regisseur):  # type: ignore[no-untyped-def]
    client.force_login(regisseur)
    return client


def _open_data(team, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "household_name": "Gezin Test",
        "household_address": "Dorpsstraat 1",
        "first_name": "Chantal",
        "last_name": "Test",
        "birth_date": "1990-03-01",
        "bsn": "",
        "role": "parent",
        "team": team.pk,
        "line": "tweede",
        "regisseur": "",
    }
    return {**data, **overrides}


def _signal_data(team, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "team": team.pk,
        "source": SignalSource.SCHOOL,
        "question": "Kind komt vaak te laat.",
        "reporter_name": "Juf Anna",
        "reporter_contact": "",
        "received_on": TODAY().isoformat(),
        "p1-first_name": "Piet",
        "p1-last_name": "Smit",
        "p1-birth_date": "1980-01-01",
    }
    return {**data, **overrides}


def _member_data(**overrides):  # type: ignore[no-untyped-def]
    data = {"first_name": "Myra", "last_name": "Test", "birth_date": "2016-09-02", "bsn": "", "role": "child"}
    return {**data, **overrides}


def _network_data(**overrides):  # type: ignore[no-untyped-def]
    data = {"name": "Oma Riet", "relation": "relative", "organisation": "", "phone": "", "email": "", "note": ""}
    return {**data, **overrides}


def _consent_data(case, **overrides):  # type: ignore[no-untyped-def]
    member = case.household.members.first()
    data = {
        "member": member.pk,
        "purpose": "school",
        "organisation": "",
        "given": "1",
        "method": "verbal",
        "date": TODAY().isoformat(),
    }
    return {**data, **overrides}


def _counts() -> dict[str, int]:
    return {
        "case": Case.objects.count(),
        "person": Person.objects.count(),
        "member": HouseholdMember.objects.count(),
        "contact": NetworkContact.objects.count(),
        "consent": Consent.objects.count(),
        "note": CaseNote.objects.count(),
        "signal": Signal.objects.count(),
        "writes": AuditEvent.objects.filter(kind="write").count(),
    }


def _refused(response, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code  # the form again, never a 500
    html = response.content.decode()
    for needle in needles:
        assert needle in html, needle


# --- 1. Invisible control characters ---------------------------------------------------------

BAD_CHARACTERS = [
    pytest.param("\u202e", id="RLO"),
    pytest.param("\u202a", id="LRE"),
    pytest.param("\u2066", id="LRI"),
    pytest.param("\u2069", id="PDI"),
    pytest.param("\u200f", id="RLM"),
    pytest.param("\u200e", id="LRM"),
    pytest.param("\u061c", id="ALM"),
    pytest.param("\x07", id="BEL"),
    pytest.param("\x1b", id="ESC"),
    pytest.param("\x00", id="NUL"),
]


@pytest.mark.parametrize("char", BAD_CHARACTERS)
def test_hole12_control_characters_in_a_name_are_refused_on_the_new_case_form(logged_in, team, char):
    before = _counts()
    response = logged_in.post(reverse("cases:new"), _open_data(team, last_name=f"Jan{char}sen"))
    _refused(response)
    errors = response.context["form"].errors["last_name"]
    assert errors and ("Achternaam" in errors[0] or "Null" in errors[0]), errors
    assert _counts() == before


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        ("member_add", _member_data(first_name=f"My{RLO}ra"), "first_name"),
        ("network_add", _network_data(name=f"Oma{RLO} Riet"), "name"),
        ("network_add", _network_data(note="Bel na \x07 vijven"), "note"),
        ("edit", {"household_name": f"Gezin{RLO} X", "household_address": "", "line": "tweede"}, "household_name"),
    ],
)
def test_hole12_control_characters_are_refused_on_the_case_forms(logged_in, case, url_name, data, field):
    before = _counts()
    response = logged_in.post(reverse(f"cases:{url_name}", args=[case.uuid]), data)
    _refused(response, CONTROL_MESSAGE)
    assert CONTROL_MESSAGE in str(response.context["form"].errors[field])
    assert _counts() == before


@pytest.mark.parametrize("field", ["question", "reporter_name"])
def test_hole12_control_characters_are_refused_on_the_signal_form(logged_in, team, field):
    before = _counts()
    response = logged_in.post(reverse("intake:signal_new"), _signal_data(team, **{field: f"Zorg{RLO}en"}))
    _refused(response, CONTROL_MESSAGE)
    assert _counts() == before


def test_hole12_a_journal_note_with_a_bidi_override_is_refused_and_newlines_and_tabs_are_kept(logged_in, case):
    url = reverse("cases:notes", args=[case.uuid])
    response = logged_in.post(url, {"text": f"Gebeld{RLO} met moeder"}, follow=True)
    assert response.status_code == 200
    assert CONTROL_MESSAGE in response.content.decode()
    assert not CaseNote.objects.exists()
    logged_in.post(url, {"text": "Regel een\n\tregel twee\r\n"})
    assert CaseNote.objects.get().text == "Regel een\n\tregel twee"  # trailing whitespace is trimmed


def test_hole12_services_refuse_control_characters_too(case, regisseur):
    with pytest.raises(ValidationError) as exc:
        case_services.note_add(actor=regisseur, case=case, text=f"x{RLO}y")
    assert CONTROL_MESSAGE in str(exc.value)
    with pytest.raises(ValidationError):
        case_services.network_contact_add(actor=regisseur, case=case, name=f"A{RLO}B", relation="relative")
    with pytest.raises(ValidationError):
        case_services.member_add_to_case(
            actor=regisseur,
            case=case,
            first_name="A\u2066",
            last_name="B",
            birth_date=datetime.date(1990, 1, 1),
            role="child",
        )
    assert not CaseNote.objects.exists() and not NetworkContact.objects.exists()
    assert not Person.objects.filter(last_name="B").exists()


def test_hole12_the_validator_names_the_character_and_its_position():
    with pytest.raises(ValidationError) as exc:
        validators.NoControlCharactersValidator(label="Achternaam")("Jan\u202esen")
    message = exc.value.messages[0]
    assert message.startswith("Achternaam bevat een onzichtbaar stuurteken (U+202E, teken 4)")
    validators.no_control_characters_multiline("een\ntwee\tdrie")  # allowed in multi-line text
    with pytest.raises(ValidationError):
        validators.no_control_characters("een\ntwee")  # not in a name


# --- 2. Dates far in the past or future --------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "1800-01-01", "1899-12-31"])
def test_hole12_impossible_birth_dates_are_refused_on_every_person_form(logged_in, team, case, value):
    before = _counts()
    r1 = logged_in.post(reverse("cases:new"), _open_data(team, birth_date=value))
    r2 = logged_in.post(reverse("cases:member_add", args=[case.uuid]), _member_data(birth_date=value))
    r3 = logged_in.post(reverse("intake:signal_new"), _signal_data(team, **{"p1-birth_date": value}))
    for response in (r1, r2, r3):
        _refused(response, "De geboortedatum ligt vóór 1 januari 1900")
    assert _counts() == before


def test_hole12_a_birth_date_of_1900_is_accepted(logged_in, case):
    response = logged_in.post(reverse("cases:member_add", args=[case.uuid]), _member_data(birth_date="1900-01-01"))
    assert response.status_code == 302


@pytest.mark.parametrize("value", ["0001-01-01", "1800-01-01", "2014-12-31"])
def test_hole12_a_signal_received_before_2015_is_refused(logged_in, team, value):
    before = _counts()
    response = logged_in.post(reverse("intake:signal_new"), _signal_data(team, received_on=value))
    _refused(response, "De datum van ontvangst ligt vóór 1 januari 2015")
    assert _counts() == before


def test_hole12_a_consent_dated_1800_is_refused(logged_in, case):
    before = _counts()
    response = logged_in.post(reverse("cases:consent_add", args=[case.uuid]), _consent_data(case, date="1800-01-01"))
    _refused(response, "De datum ligt vóór 1 januari 2015")
    assert _counts() == before


def test_hole12_services_refuse_impossible_dates(team, regisseur, case):
    with pytest.raises(ValidationError):
        case_services.member_add_to_case(
            actor=regisseur, case=case, first_name="A", last_name="B", birth_date=datetime.date(1, 1, 1), role="child"
        )
    with pytest.raises(ValidationError):
        intake_services.signal_create(
            actor=regisseur,
            team=team,
            source=SignalSource.SCHOOL,
            question="Zorg",
            received_on=datetime.date(1800, 1, 1),
            persons=[intake_services.PersonInput(first_name="A", last_name="B", birth_date=datetime.date(1980, 1, 1))],
        )
    assert not Signal.objects.exists()


@pytest.fixture
def unlinked_signal(team, regisseur):  # type: ignore[no-untyped-def]
    return intake_services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.SCHOOL,
        question="Zorg",
        received_on=TODAY() - datetime.timedelta(days=2),
        persons=[
            intake_services.PersonInput(first_name="Piet", last_name="Smit", birth_date=datetime.date(1980, 1, 1))
        ],
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31", "De afspraak ligt meer dan een jaar vooruit"),
        ("0001-01-01", "De afspraak ligt vóór 1 januari 2015"),
    ],
)
def test_hole12_a_gesprek_planned_in_9999_or_year_1_is_refused_at_triage(
    logged_in, regisseur, unlinked_signal, value, message
):
    response = logged_in.post(
        reverse("intake:signal_detail", args=[unlinked_signal.uuid]),
        {"route": "case", "regisseur": regisseur.pk, "gesprek_planned_on": value, "household_name": "", "note": ""},
    )
    _refused(response, message)
    unlinked_signal.refresh_from_db()
    assert unlinked_signal.case_id is None and unlinked_signal.gesprek_planned_on is None
    assert not Case.objects.exists()


def test_hole12_a_gesprek_planned_within_a_year_is_accepted(logged_in, regisseur, unlinked_signal):
    planned = TODAY() + datetime.timedelta(days=300)
    response = logged_in.post(
        reverse("intake:signal_detail", args=[unlinked_signal.uuid]),
        {"route": "case", "regisseur": regisseur.pk, "gesprek_planned_on": planned.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    unlinked_signal.refresh_from_db()
    assert unlinked_signal.gesprek_planned_on == planned


# --- The gesprek: dates, long texts, hidden and per-score fields -------------------------------


@pytest.fixture
def gesprek(case, regisseur):  # type: ignore[no-untyped-def]
    return intake_services.gesprek_start(actor=regisseur, case=case)


def _gesprek_data(gesprek, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "version": gesprek.version,
        "date": TODAY().isoformat(),
        "place": "thuis",
        "members": [m.pk for m in gesprek.case.household.members.all()],
        "professionals": "",
        "question_behind": "Rust in huis.",
        "ladder_own": "Zelf bellen.",
        "ladder_network": "",
        "ladder_general": "",
        "ladder_tailored": "",
        "ladder_skip_reason": "",
    }
    return {**data, **overrides}


def _saved_unchanged(gesprek) -> None:  # type: ignore[no-untyped-def]
    fresh = Gesprek.objects.get(pk=gesprek.pk)
    assert fresh.version == gesprek.version and fresh.status == "draft" and fresh.question_behind == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": "0001-01-01"}, "De datum van het gesprek ligt vóór 1 januari 2015"),
        ({"date": "1800-01-01"}, "De datum van het gesprek ligt vóór 1 januari 2015"),
        ({"question_behind": HUGE}, "niet meer dan 5000 tekens"),
        ({"ladder_own": f"Zelf{RLO}"}, CONTROL_MESSAGE),
    ],
)
def test_hole12_bad_gesprek_input_is_refused_with_a_visible_dutch_message(logged_in, gesprek, overrides, message):
    response = logged_in.post(reverse("intake:gesprek_edit", args=[gesprek.uuid]), _gesprek_data(gesprek, **overrides))
    _refused(response, message)
    _saved_unchanged(gesprek)


def test_hole12_a_gesprek_without_its_hidden_version_says_so_on_the_page(logged_in, gesprek):
    data = _gesprek_data(gesprek)
    del data["version"]
    response = logged_in.post(reverse("intake:gesprek_edit", args=[gesprek.uuid]), data)
    _refused(response, "Het formulier is onvolledig of verouderd (versie:")
    _saved_unchanged(gesprek)


def test_hole12_a_too_long_per_score_note_is_shown_next_to_its_score(logged_in, gesprek):
    member = gesprek.case.household.members.first()
    data = _gesprek_data(gesprek, **{f"score_{member.pk}_finances": "3", f"note_{member.pk}_finances": "n" * 301})
    response = logged_in.post(reverse("intake:gesprek_edit", args=[gesprek.uuid]), data)
    _refused(response, f'id="id_note_{member.pk}_finances_errors"', "niet meer dan 300 tekens")
    _saved_unchanged(gesprek)


def test_hole12_the_autosave_names_the_field_it_refuses(logged_in, gesprek):
    member = gesprek.case.household.members.first()
    data = _gesprek_data(gesprek, **{f"note_{member.pk}_finances": "n" * 301})
    response = logged_in.post(reverse("intake:gesprek_draft", args=[gesprek.uuid]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Toelichting" in response.content.decode() and "niet meer dan 300 tekens" in response.content.decode()
    _saved_unchanged(gesprek)


# --- 3. 100 000-character texts: form, service, database ---------------------------------------


def test_hole12_a_100000_character_signal_is_refused(logged_in, team):
    before = _counts()
    response = logged_in.post(reverse("intake:signal_new"), _signal_data(team, question=HUGE))
    _refused(response, "niet meer dan 5000 tekens")
    assert _counts() == before


def test_hole12_a_100000_character_note_is_refused(logged_in, case):
    response = logged_in.post(reverse("cases:notes", args=[case.uuid]), {"text": HUGE}, follow=True)
    assert response.status_code == 200 and "niet meer dan 10000 tekens" in response.content.decode()
    assert not CaseNote.objects.exists()


def test_hole12_a_100000_character_triage_note_is_refused(logged_in, regisseur, unlinked_signal):
    response = logged_in.post(
        reverse("intake:signal_detail", args=[unlinked_signal.uuid]),
        {"route": "advice", "advice_outcome": "information", "note": HUGE},
    )
    _refused(response, "niet meer dan 2000 tekens")
    unlinked_signal.refresh_from_db()
    assert unlinked_signal.status == "new"


def test_hole12_services_refuse_a_text_over_its_maximum(case, regisseur):
    with pytest.raises(ValidationError):
        case_services.note_add(actor=regisseur, case=case, text="x" * (validators.NOTE_MAX + 1))
    case_services.note_add(actor=regisseur, case=case, text="x" * validators.NOTE_MAX)  # the maximum itself is fine
    assert CaseNote.objects.count() == 1


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (CaseNote, "text", validators.NOTE_MAX),
        (Signal, "question", validators.TEXT_MAX),
        (Signal, "triage_note", validators.SHORT_TEXT_MAX),
        (Gesprek, "question_behind", validators.TEXT_MAX),
        (Gesprek, "ladder_skip_reason", validators.TEXT_MAX),
    ],
)
def test_hole12_the_database_refuses_a_text_over_its_maximum(case, regisseur, unlinked_signal, model, field, limit):
    row = {
        CaseNote: lambda: case_services.note_add(actor=regisseur, case=case, text="kort"),
        Signal: lambda: unlinked_signal,
        Gesprek: lambda: intake_services.gesprek_start(actor=regisseur, case=case),
    }[model]()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "x" * (limit + 1)})  # past forms and full_clean
    model.objects.filter(pk=row.pk).update(**{field: "x" * limit})


def _ours(app_path: str, root: Path) -> bool:
    path = Path(app_path).resolve()
    return path.is_relative_to(root) and ".venv" not in path.parts


def test_hole12_every_text_field_of_our_models_has_a_maximum_in_the_database():
    """CharFields have varchar(n); each editable TextField needs a length CheckConstraint.

    Walks every model of our own apps, so plan and arrangements are covered when they land.
    """
    root = Path(settings.BASE_DIR).resolve()
    missing = []
    for model in apps.get_models():
        if not _ours(apps.get_app_config(model._meta.app_label).path, root):
            continue
        constraints = " ".join(str(c) for c in model._meta.constraints)
        for f in model._meta.get_fields():
            if f.get_internal_type() == "TextField" and f.editable and f"Length(F({f.name}))" not in constraints:
                missing.append(f"{model._meta.label}.{f.name}")
    assert missing == [], (
        f"TextFields without a length constraint (socialdomain.validators.text_length_constraint): {missing}"
    )


def test_hole12_every_form_of_our_apps_applies_the_input_policy():
    """A form class in one of our apps that skips `InputPolicyMixin` lets bidi controls through."""
    root = Path(settings.BASE_DIR).resolve()
    offenders = []
    for config in apps.get_app_configs():
        if not _ours(config.path, root):
            continue
        for module_name in ("forms", "views", "break_glass_views"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, django_forms.BaseForm)
                    and obj.__module__ == module.__name__
                    and not issubclass(obj, InputPolicyMixin)
                    and not obj.__module__.startswith("accounts.")  # login and 2FA forms: not case data
                ):
                    offenders.append(f"{obj.__module__}.{obj.__name__}")
    assert offenders == []


# --- 4. The search term --------------------------------------------------------------------------


def test_hole12_a_100000_character_search_term_is_refused_not_a_500(logged_in, case):
    response = logged_in.post(reverse("cases:list"), {"q": HUGE}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "niet meer dan 100 tekens" in response.content.decode()
    assert logged_in.session.get("cases:list:filters") is None  # not kept in the session
    assert logged_in.get(reverse("cases:list")).status_code == 200


def test_hole12_the_search_term_is_bounded_in_the_form():
    from cases.forms import CaseFilterForm

    field = CaseFilterForm.base_fields["q"]
    assert isinstance(field, django_forms.CharField) and field.max_length == validators.SEARCH_MAX


# --- 5. Double submits ---------------------------------------------------------------------------


def _token(client, url: str) -> str:  # type: ignore[no-untyped-def]
    form = client.get(url).context["form"]
    token = form["form_token"].value()
    assert token, "the form renders a one-time token"
    return str(token)


@pytest.mark.parametrize(
    ("kind", "url", "data"),
    [
        ("case", lambda c: reverse("cases:new"), lambda c: _open_data(c.team, household_name="Gezin Dubbel")),
        ("member", lambda c: reverse("cases:member_add", args=[c.uuid]), lambda c: _member_data()),
        ("contact", lambda c: reverse("cases:network_add", args=[c.uuid]), lambda c: _network_data()),
        ("consent", lambda c: reverse("cases:consent_add", args=[c.uuid]), lambda c: _consent_data(c)),
        ("signal", lambda c: reverse("intake:signal_new"), lambda c: _signal_data(c.team)),
    ],
)
def test_hole12_a_double_submitted_form_saves_once_and_shows_the_first_result(logged_in, case, kind, url, data):
    target = url(case)
    payload = {**data(case), "form_token": _token(logged_in, target)}
    before = _counts()
    first = logged_in.post(target, payload)
    assert first.status_code == 302
    after_first = _counts()
    assert after_first[kind] == before[kind] + 1
    second = logged_in.post(target, payload, follow=True)
    assert second.status_code == 200
    assert second.redirect_chain[0][0] == first["Location"]  # the result of the first submit
    assert "Dit formulier was al verstuurd en is één keer opgeslagen." in second.content.decode()
    assert _counts() == after_first  # nothing new, not even an audit row


def test_hole12_a_double_submitted_journal_note_saves_once_also_through_htmx(logged_in, case):
    url = reverse("cases:notes", args=[case.uuid])
    token = str(uuid.uuid4())
    logged_in.post(url, {"text": "Eén keer", "form_token": token}, HTTP_HX_REQUEST="true")
    logged_in.post(url, {"text": "Eén keer", "form_token": token}, HTTP_HX_REQUEST="true")
    logged_in.post(url, {"text": "Eén keer", "form_token": token})
    assert CaseNote.objects.count() == 1
    # A new form (a new token) is a new note.
    logged_in.post(url, {"text": "Nog een", "form_token": str(uuid.uuid4())})
    assert CaseNote.objects.count() == 2


def test_hole12_a_refused_submit_does_not_use_up_its_token(logged_in, case):
    url = reverse("cases:network_add", args=[case.uuid])
    token = _token(logged_in, url)
    _refused(logged_in.post(url, {**_network_data(name=""), "form_token": token}))
    assert logged_in.post(url, {**_network_data(), "form_token": token}).status_code == 302
    assert NetworkContact.objects.count() == 1


def test_hole12_another_users_token_is_not_theirs_to_replay(logged_in, case, make_user, team):
    url = reverse("cases:network_add", args=[case.uuid])
    token = _token(logged_in, url)
    assert logged_in.post(url, {**_network_data(), "form_token": token}).status_code == 302
    colleague = make_user(Role.REGISSEUR, team=team)
    case_services.case_share(actor=case.regisseur, case=case, access="write", user=colleague)
    other = Client()
    other.force_login(colleague)
    assert other.post(url, {**_network_data(name="Buurman"), "form_token": token}).status_code == 302
    assert NetworkContact.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_hole12_two_concurrent_submits_of_one_form_save_once(case, regisseur):
    """Two requests at the same moment (separate connections): the unique token row lets one through."""
    url = reverse("cases:network_add", args=[case.uuid])
    token = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def submit() -> None:
        try:
            client = Client()
            client.force_login(regisseur)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, {**_network_data(), "form_token": token}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert statuses == [302, 302]
    assert NetworkContact.objects.filter(household=case.household).count() == 1


# --- 6. CSRF ---------------------------------------------------------------------------------------


def test_hole12_a_form_without_csrf_token_gets_a_dutch_403_and_saves_nothing(case, regisseur):
    client = Client(enforce_csrf_checks=True)
    client.force_login(regisseur)
    response = client.post(reverse("cases:notes", args=[case.uuid]), {"text": "Zonder token"})
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="nl"' in html and "Formulier niet verstuurd" in html
    assert "CSRF verification failed" not in html
    assert not CaseNote.objects.exists()


def test_hole12_used_form_tokens_are_purged_by_the_beat_task_on_a_real_worker(celery_worker, regisseur):
    from accounts.models import FormSubmission
    from accounts.tasks import purge_form_submissions

    old = FormSubmission.objects.create(user=regisseur, token=uuid.uuid4())
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    fresh = FormSubmission.objects.create(user=regisseur, token=uuid.uuid4())
    assert purge_form_submissions.delay().get(timeout=15) == 1
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert purge_form_submissions.delay().get(timeout=15) == 0  # safe to run twice


def test_hole12_the_reassign_service_refuses_a_bad_note_and_changes_nothing(case, make_user, team):
    leader = make_user(Role.TEAMLEIDER, team=team)
    other = make_user(Role.REGISSEUR, team=team)
    for note in ("x" * 501, f"Overdracht{RLO}"):
        with pytest.raises(ValidationError):
            case_services.case_reassign(actor=leader, case=case, regisseur=other, reason="expertise", note=note)
        case.refresh_from_db()
        assert case.regisseur_id != other.pk


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        ("close", {"outcome": "goal_reached", "reason": f"Doel{RLO} bereikt"}, "reason"),
        ("member_edit", {"role": "parent", "phone": f"06{RLO}12345678", "email": ""}, "phone"),
    ],
)
def test_hole12_control_characters_are_refused_on_the_other_case_forms(logged_in, case, url_name, data, field):
    kwargs = {"uuid": case.uuid}
    if url_name == "member_edit":
        kwargs["person_uuid"] = case.household.members.first().person.uuid
    before = _counts()
    response = logged_in.post(reverse(f"cases:{url_name}", kwargs=kwargs), data)
    _refused(response, CONTROL_MESSAGE)
    assert CONTROL_MESSAGE in str(response.context["form"].errors[field])
    assert _counts() == before
    case.refresh_from_db()
    assert case.is_open


def test_hole12_a_triage_note_with_a_bidi_override_is_refused(logged_in, unlinked_signal):
    response = logged_in.post(
        reverse("intake:signal_detail", args=[unlinked_signal.uuid]),
        {"route": "advice", "advice_outcome": "information", "note": f"Advies{RLO} gegeven"},
    )
    _refused(response, CONTROL_MESSAGE)
    unlinked_signal.refresh_from_db()
    assert unlinked_signal.status == "new" and unlinked_signal.triage_note == ""


@pytest.mark.parametrize("value", ["0001-01-01", "1800-01-01"])
def test_hole12_a_meldcode_step_dated_long_ago_is_refused(logged_in, regisseur, team, value):
    signal = intake_services.signal_create(
        actor=regisseur,
        team=team,
        source=SignalSource.SCHOOL,
        question="Zorg om veiligheid",
        received_on=TODAY() - datetime.timedelta(days=5),
        persons=[intake_services.PersonInput(first_name="Kim", last_name="Veld", birth_date=datetime.date(1985, 1, 1))],
    )
    case = intake_services.signal_triage(actor=regisseur, signal=signal, route="safety", regisseur=regisseur).case
    response = logged_in.post(reverse("intake:meldcode_steps", kwargs={"case_uuid": case.uuid}), {"step_1": value})
    _refused(response, "De datum ligt vóór 1 januari 2015")
    assert not case.meldcode_steps.filter(done_on__isnull=False).exists()
