"""Input rules shared by every app: text limits, invisible control characters, date ranges.

Use them on model fields (so `full_clean()` in services enforces them), on form fields
(`socialdomain.forms.InputPolicyMixin` adds the character check to every text field and
requires a `max_length`) and, for free text, in the database (`text_length_constraint`).

    from socialdomain import validators as v

    question = models.TextField(
        max_length=v.TEXT_MAX, validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline]
    )
    name = models.CharField(max_length=150, validators=[v.no_control_characters])
    birth_date = models.DateField(validators=[v.BIRTH_DATE])
    class Meta:
        constraints = [v.text_length_constraint("question", v.TEXT_MAX, name="signal_question_max_length")]

Characters: **refused, not stripped** — a name or a note that silently differs from what
the professional typed is worse than a clear message. Refused are the Unicode bidi
controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C: they make text display in
another order than it is stored, e.g. "Jansen" that reads as another name, or a file name
`...exe` shown as `...txt`), NUL and every other control character (Unicode category Cc);
multi-line text may hold line feed, carriage return and tab.

Dates: ranges per kind of date (docs/architecture.md lists them); `latest` is relative to
today so the ranges never go stale.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import CheckConstraint
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BIDI_CONTROLS",
    "BIRTH_DATE",
    "CASEWORK_START",
    "GESPREK_DATE",
    "NOTE_MAX",
    "PAST_EVENT_DATE",
    "PLANNED_DATE",
    "SEARCH_MAX",
    "SHORT_TEXT_MAX",
    "SIGNAL_RECEIVED_DATE",
    "TEXT_MAX",
    "DateRangeValidator",
    "MaxLengthValidator",
    "NoControlCharactersValidator",
    "find_forbidden_character",
    "no_control_characters",
    "no_control_characters_multiline",
    "text_length_constraint",
]

# --- Text limits (characters) -------------------------------------------------------------
SEARCH_MAX = 100  # a search term (case number or household name)
SHORT_TEXT_MAX = 2_000  # a short explanation: triage note
TEXT_MAX = 5_000  # free text of a signal or a gesprek field (about two A4 pages)
NOTE_MAX = 10_000  # one journal note

# --- Characters ---------------------------------------------------------------------------
BIDI_CONTROLS = frozenset(
    {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
)  # ALM, LRM, RLM, LRE RLE PDF LRO RLO, LRI RLI FSI PDI
MULTILINE_ALLOWED = frozenset({"\n", "\r", "\t"})


def find_forbidden_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """(1-based position, character) of the first forbidden character, or None."""
    for position, char in enumerate(value, start=1):
        if multiline and char in MULTILINE_ALLOWED:
            continue
        if ord(char) in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            return position, char
    return None


@deconstructible
class NoControlCharactersValidator:
    """Refuse bidi controls and control characters (multi-line: newline and tab allowed).

    `label` (optional) names the field in the message, for forms whose error summary is
    read away from the field.
    """

    code = "control_character"

    def __init__(self, *, multiline: bool = False, label: str | None = None) -> None:
        self.multiline = multiline
        self.label = label

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        found = find_forbidden_character(value, multiline=self.multiline)
        if found is None:
            return
        position, char = found
        params = {"label": self.label or "", "codepoint": f"U+{ord(char):04X}", "position": position}
        if self.label:
            message = _(
                "%(label)s bevat een onzichtbaar stuurteken (%(codepoint)s, teken %(position)s), bijvoorbeeld "
                "een teken dat de leesrichting omdraait. Verwijder het en probeer het opnieuw."
            )
        else:
            message = _(
                "Dit veld bevat een onzichtbaar stuurteken (%(codepoint)s, teken %(position)s), bijvoorbeeld "
                "een teken dat de leesrichting omdraait. Verwijder het en probeer het opnieuw."
            )
        raise ValidationError(message, code=self.code, params=params)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, NoControlCharactersValidator)
            and self.multiline == other.multiline
            and self.label == other.label
        )

    def __hash__(self) -> int:
        return hash((self.multiline, self.label))


no_control_characters = NoControlCharactersValidator()
no_control_characters_multiline = NoControlCharactersValidator(multiline=True)


# --- Dates --------------------------------------------------------------------------------
# The Wmo 2015 and the Jeugdwet made the municipalities responsible on 1 January 2015: no
# signal, gesprek, consent or Meldcode step of this system's casework is older.
CASEWORK_START = datetime.date(2015, 1, 1)


# The messages per kind of date (a stable key, so migrations serialise a plain string):
# (too late, too early). Params: earliest, latest (formatted dates).
_DATE_MESSAGES = {
    "birth_date": (
        _("De geboortedatum ligt in de toekomst."),
        _("De geboortedatum ligt vóór %(earliest)s; controleer het jaar."),
    ),
    "received_on": (
        _("De datum van ontvangst ligt in de toekomst."),
        _("De datum van ontvangst ligt vóór %(earliest)s; controleer het jaar."),
    ),
    "gesprek_date": (
        _("De datum van het gesprek ligt in de toekomst."),
        _("De datum van het gesprek ligt vóór %(earliest)s; controleer het jaar."),
    ),
    "planned": (
        _("De afspraak ligt meer dan een jaar vooruit; kies een datum tot en met %(latest)s."),
        _("De afspraak ligt vóór %(earliest)s; controleer het jaar."),
    ),
    "event": (
        _("De datum ligt in de toekomst."),
        _("De datum ligt vóór %(earliest)s; controleer het jaar."),
    ),
}


@deconstructible
class DateRangeValidator:
    """A date from `earliest` up to and including today + `days_ahead`.

    `kind` picks the Dutch messages (see `_DATE_MESSAGES`).
    """

    def __init__(self, *, earliest: datetime.date, days_ahead: int = 0, kind: str = "event") -> None:
        if kind not in _DATE_MESSAGES:
            raise ValueError(f"unknown kind of date: {kind}")
        self.earliest = earliest
        self.days_ahead = days_ahead
        self.kind = kind

    def latest(self) -> datetime.date:
        return timezone.localdate() + datetime.timedelta(days=self.days_ahead)

    def __call__(self, value: object) -> None:
        if not isinstance(value, datetime.date):
            return
        latest = self.latest()
        if self.earliest <= value <= latest:
            return
        too_late, too_early = _DATE_MESSAGES[self.kind]
        params = {"earliest": date_format(self.earliest, "j F Y"), "latest": date_format(latest, "j F Y")}
        if value > latest:
            raise ValidationError(too_late, code="date_too_late", params=params)
        raise ValidationError(too_early, code="date_too_early", params=params)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator) and (self.earliest, self.days_ahead, self.kind) == (
            other.earliest,
            other.days_ahead,
            other.kind,
        )

    def __hash__(self) -> int:
        return hash((self.earliest, self.days_ahead, self.kind))


BIRTH_DATE = DateRangeValidator(earliest=datetime.date(1900, 1, 1), kind="birth_date")  # 1900-01-01 .. today
SIGNAL_RECEIVED_DATE = DateRangeValidator(earliest=CASEWORK_START, kind="received_on")  # 2015-01-01 .. today
GESPREK_DATE = DateRangeValidator(earliest=CASEWORK_START, kind="gesprek_date")  # 2015-01-01 .. today
PAST_EVENT_DATE = DateRangeValidator(earliest=CASEWORK_START)  # consent, Meldcode step: 2015-01-01 .. today
PLANNED_DATE = DateRangeValidator(earliest=CASEWORK_START, days_ahead=365, kind="planned")  # .. today + 1 year


# --- Database -----------------------------------------------------------------------------
def text_length_constraint(field: str, limit: int, *, name: str) -> CheckConstraint:
    """The database's own guard for a TextField's maximum (a varchar limit for text)."""
    return CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)
