import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialdomain import validators as v

from .constants import (
    SCORE_CHOICES,
    AdviceOutcome,
    Domain,
    GesprekStatus,
    MeldcodeStepKind,
    SignalSource,
    SignalStatus,
    TriageRoute,
)
from .querysets import SignalQuerySet


class Signal(models.Model):
    """An aanmelding: a concern or question reported to a team's entry point.

    Until triage links it to a case, only members of the receiving team may see it;
    afterwards it is authorised through its case.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("bron"), max_length=16, choices=SignalSource.choices)
    question = models.TextField(
        _("vraag of zorg (in de woorden van de melder)"),
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    persons = models.ManyToManyField("cases.Person", related_name="signals", verbose_name=_("betrokkenen"))
    reporter_name = models.CharField(_("naam melder"), max_length=150, blank=True, validators=[v.no_control_characters])
    reporter_contact = models.CharField(
        _("contactgegevens melder"), max_length=200, blank=True, validators=[v.no_control_characters]
    )
    received_on = models.DateField(_("ontvangen op"), default=timezone.localdate, validators=[v.SIGNAL_RECEIVED_DATE])
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="signals", verbose_name=_("ontvangend team")
    )
    status = models.CharField(_("status"), max_length=8, choices=SignalStatus.choices, default=SignalStatus.NEW)
    route = models.CharField(_("route"), max_length=8, choices=TriageRoute.choices, blank=True)
    advice_outcome = models.CharField(_("uitkomst"), max_length=20, choices=AdviceOutcome.choices, blank=True)
    triage_note = models.TextField(
        _("toelichting triage"),
        blank=True,
        max_length=v.SHORT_TEXT_MAX,
        validators=[v.MaxLengthValidator(v.SHORT_TEXT_MAX), v.no_control_characters_multiline],
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="signals", verbose_name=_("dossier")
    )
    gesprek_planned_on = models.DateField(
        _("afspraak voor het gesprek"), null=True, blank=True, validators=[v.PLANNED_DATE]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-received_on", "-created_at"]
        indexes = [models.Index(fields=["team", "status", "-received_on"], name="signal_team_status")]
        constraints = [
            v.text_length_constraint("question", v.TEXT_MAX, name="signal_question_max_length"),
            v.text_length_constraint("triage_note", v.SHORT_TEXT_MAX, name="signal_triage_note_max_length"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_on:%d-%m-%Y}"

    @property
    def age_days(self) -> int:
        return (timezone.localdate() - self.received_on).days


class MeldcodeStep(models.Model):
    """One of the five steps of the Meldcode huiselijk geweld en kindermishandeling, per case."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="meldcode_steps")
    signal = models.ForeignKey(Signal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    step = models.PositiveSmallIntegerField(_("stap"), choices=MeldcodeStepKind.choices)
    done_on = models.DateField(_("afgerond op"), null=True, blank=True, validators=[v.PAST_EVENT_DATE])

    class Meta:
        verbose_name = _("Meldcodestap")
        verbose_name_plural = _("Meldcodestappen")
        ordering = ["case", "step"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="meldcode_step_unique_per_case")]

    def __str__(self) -> str:
        return self.get_step_display()


class Gesprek(models.Model):
    """Het gesprek (keukentafelgesprek) with a household, on its case."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="gesprekken")
    date = models.DateField(_("datum"), default=timezone.localdate, validators=[v.GESPREK_DATE])
    place = models.CharField(_("plaats"), max_length=150, default="thuis", validators=[v.no_control_characters])
    members = models.ManyToManyField(
        "cases.HouseholdMember", blank=True, related_name="gesprekken", verbose_name=_("gezinsleden aanwezig")
    )
    contacts = models.ManyToManyField(
        "cases.NetworkContact", blank=True, related_name="gesprekken", verbose_name=_("netwerk aanwezig")
    )
    professionals = models.CharField(
        _("professionals aanwezig"), max_length=300, blank=True, validators=[v.no_control_characters]
    )
    question_behind = models.TextField(
        _("de vraag achter de vraag"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    ladder_own = models.TextField(
        _("wat kan het huishouden zelf?"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    ladder_network = models.TextField(
        _("wat kan het netwerk doen?"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    ladder_general = models.TextField(
        _("welke algemene voorzieningen passen?"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    ladder_tailored = models.TextField(
        _("welke maatwerkvoorzieningen lijken nodig?"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    ladder_skip_reason = models.TextField(
        _("reden om een trede over te slaan"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    status = models.CharField(_("status"), max_length=8, choices=GesprekStatus.choices, default=GesprekStatus.DRAFT)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["-date", "-created_at"]
        constraints = [
            *(
                v.text_length_constraint(f, v.TEXT_MAX, name=f"gesprek_{f}_max_length")
                for f in (
                    "question_behind",
                    "ladder_own",
                    "ladder_network",
                    "ladder_general",
                    "ladder_tailored",
                    "ladder_skip_reason",
                )
            ),
            # One open draft per case: "Nieuw gesprek" opens it instead of starting another.
            models.UniqueConstraint(fields=["case"], condition=Q(status="draft"), name="gesprek_one_draft_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.date:%d-%m-%Y}"


class DomainScore(models.Model):
    """Self-reliance of one household member on one life domain, scored 1 to 5 in a gesprek."""

    gesprek = models.ForeignKey(Gesprek, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey("cases.HouseholdMember", on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(_("leefgebied"), max_length=16, choices=Domain.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), choices=SCORE_CHOICES, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True, validators=[v.no_control_characters])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["gesprek", "member", "domain"], name="score_unique_per_domain"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_between_1_and_5"),
        ]

    def __str__(self) -> str:
        return f"{_('Score')} #{self.pk}"


class DomainAgeBand(models.Model):
    """A life domain that a municipality scores for members of an age band.

    The matrix differs between municipalities (ZRM versions have twelve or thirteen
    domains; one team scores "Justitie" from 12, another from 18), so it is data that the
    functional administrator keeps in the admin. A domain without a band in a municipality
    is not proposed there (the regisseur can still add it for one member). A municipality
    without any band uses `constants.DEFAULT_DOMAIN_AGE_BANDS`.
    """

    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="domain_age_bands",
        verbose_name=_("gemeente"),
    )
    domain = models.CharField(_("leefgebied"), max_length=16, choices=Domain.choices)
    min_age = models.PositiveSmallIntegerField(
        _("vanaf leeftijd"), default=0, validators=[MaxValueValidator(120)], help_text=_("In jaren, inclusief.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("tot en met leeftijd"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("In jaren, inclusief. Leeg: geen bovengrens."),
    )

    class Meta:
        verbose_name = _("leefgebied per leeftijd")
        verbose_name_plural = _("leefgebieden per leeftijd")
        ordering = ["municipality__name", "domain", "min_age"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "domain", "min_age"], name="domain_age_band_unique_start"),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="domain_age_band_max_not_below_min",
                violation_error_message=_("De hoogste leeftijd ligt onder de laagste."),
            ),
        ]

    def __str__(self) -> str:
        upper = _("en ouder") if self.max_age is None else f"– {self.max_age}"
        return f"{self.get_domain_display()}: {self.min_age} {upper}"
