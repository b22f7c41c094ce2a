"""The household plan ("1 gezin, 1 plan, 1 regisseur").

A `Plan` row is one *version* of the household's one plan: a draft is agreed with the
household, runs (active) and is evaluated; the evaluation starts the next version as a
draft copy linked to its predecessor. Exactly one version per case is current (a partial
unique index). Agreed, active and evaluated versions are frozen: the services refuse to
change them, the admin is read-only, and on PostgreSQL a trigger refuses UPDATE/DELETE of
their content and of their goals, actions, safety agreements and risks
(migration 0002_frozen_plan_trigger). On SQLite (the demo) only the services and the
admin guard them.

`Goal` is a stable name with a `uuid`: other apps (arrangements) point at goals. A goal
copied into the next version keeps its `lineage`, so "the same goal over versions" is one
value.
"""

import uuid
from uuid import uuid4

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intake.constants import SCORE_CHOICES, Domain
from socialdomain import validators as v

from .constants import (
    DEFAULT_EVALUATION_MONTHS,
    AgreementMethod,
    GoalOutcome,
    MeasurementSource,
    OwnerKind,
    PlanStatus,
    Rung,
)
from .querysets import PlanQuerySet

SCORE_RANGE = [MinValueValidator(1), MaxValueValidator(5)]
RUNG_RANGE = [MinValueValidator(1), MaxValueValidator(6)]


class PlanSettings(models.Model):
    """Plan settings of one municipality (functional administration)."""

    municipality = models.OneToOneField(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="plan_settings", verbose_name=_("gemeente")
    )
    evaluation_months = models.PositiveSmallIntegerField(
        _("evaluatie elke (maanden)"),
        default=DEFAULT_EVALUATION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )

    class Meta:
        verbose_name = _("planinstellingen")
        verbose_name_plural = _("planinstellingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluation_months__gte=1, evaluation_months__lte=12), name="plan_settings_months_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.municipality)


class Plan(models.Model):
    """One version of the household's plan."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plans", verbose_name=_("dossier"))
    number = models.PositiveIntegerField(_("versie"), default=1)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("vorige versie"),
    )
    is_current = models.BooleanField(_("huidige versie"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    household_words = models.TextField(
        _("Wat wil het gezin bereiken?"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    plan_date = models.DateField(_("datum plan"))
    evaluation_due = models.DateField(_("evaluatiedatum"), null=True, blank=True)
    source_gesprek = models.ForeignKey(
        "intake.Gesprek", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("gesprek")
    )
    agreed_on = models.DateField(_("akkoord op"), null=True, blank=True)
    agreement_method = models.CharField(_("hoe akkoord"), max_length=8, choices=AgreementMethod.choices, blank=True)
    agreement_remarks = models.TextField(
        _("opmerkingen van het gezin"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    agreed_members = models.ManyToManyField(
        "cases.HouseholdMember", blank=True, related_name="+", verbose_name=_("akkoord gegeven door")
    )
    activated_on = models.DateField(_("gestart op"), null=True, blank=True)
    evaluated_on = models.DateField(_("geëvalueerd op"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic lock (socialdomain.concurrency)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plannen")
        ordering = ["case", "-number"]
        constraints = [
            # "1 gezin, 1 plan": one current version per case, whatever the number of versions.
            models.UniqueConstraint(fields=["case"], condition=Q(is_current=True), name="plan_one_current_per_case"),
            models.UniqueConstraint(fields=["case", "number"], name="plan_unique_number_per_case"),
            v.text_length_constraint("household_words", v.TEXT_MAX, name="plan_household_words_max_length"),
            v.text_length_constraint("agreement_remarks", v.TEXT_MAX, name="plan_agreement_remarks_max_length"),
        ]
        indexes = [
            models.Index(fields=["evaluation_due"], name="plan_evaluation_due", condition=Q(is_current=True)),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class Goal(models.Model):
    """A goal of one plan version: a life domain of one household member, from a score to a target."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lineage = models.UUIDField(default=uuid4, editable=False, db_index=True)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    member = models.ForeignKey(
        "cases.HouseholdMember", on_delete=models.PROTECT, related_name="+", verbose_name=_("gezinslid")
    )
    domain = models.CharField(_("leefgebied"), max_length=16, choices=Domain.choices)
    description = models.CharField(
        _("doel in de woorden van het gezin"), max_length=500, blank=True, validators=[v.no_control_characters]
    )
    start_score = models.PositiveSmallIntegerField(_("score bij start"), choices=SCORE_CHOICES, validators=SCORE_RANGE)
    target_score = models.PositiveSmallIntegerField(_("doelscore"), choices=SCORE_CHOICES, validators=SCORE_RANGE)
    target_date = models.DateField(_("streefdatum"))
    target_rung = models.PositiveSmallIntegerField(
        _("doeltrede participatieladder"), choices=Rung.choices, null=True, blank=True, validators=RUNG_RANGE
    )
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uit vorige versie")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "member", "domain"], name="goal_unique_per_member_domain"),
            models.CheckConstraint(condition=Q(target_score__gte=1, target_score__lte=5), name="goal_target_1_5"),
            models.CheckConstraint(condition=Q(start_score__gte=1, start_score__lte=5), name="goal_start_1_5"),
            models.CheckConstraint(
                condition=Q(target_rung__isnull=True) | Q(target_rung__gte=1, target_rung__lte=6),
                name="goal_rung_1_6",
            ),
        ]

    def __str__(self) -> str:
        return self.get_domain_display()


class Action(models.Model):
    """An agreed action with its owner: the household, the network, a partner or a professional."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="actions", verbose_name=_("bij doel")
    )
    description = models.CharField(_("actie"), max_length=500, validators=[v.no_control_characters])
    owner_kind = models.CharField(_("wie doet het"), max_length=16, choices=OwnerKind.choices)
    owner_member = models.ForeignKey(
        "cases.HouseholdMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_contact = models.ForeignKey(
        "cases.NetworkContact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("uiterlijk op"))
    done_on = models.DateField(_("gedaan op"), null=True, blank=True)
    origin = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["plan", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        owner_kind=OwnerKind.MEMBER,
                        owner_member__isnull=False,
                        owner_contact__isnull=True,
                        owner_organisation__isnull=True,
                        owner_user__isnull=True,
                    )
                    | Q(
                        owner_kind=OwnerKind.NETWORK,
                        owner_member__isnull=True,
                        owner_contact__isnull=False,
                        owner_organisation__isnull=True,
                        owner_user__isnull=True,
                    )
                    | Q(
                        owner_kind=OwnerKind.ORGANISATION,
                        owner_member__isnull=True,
                        owner_contact__isnull=True,
                        owner_organisation__isnull=False,
                        owner_user__isnull=True,
                    )
                    | Q(
                        owner_kind=OwnerKind.REGISSEUR,
                        owner_member__isnull=True,
                        owner_contact__isnull=True,
                        owner_organisation__isnull=True,
                        owner_user__isnull=True,
                    )
                    | Q(
                        owner_kind=OwnerKind.COLLEAGUE,
                        owner_member__isnull=True,
                        owner_contact__isnull=True,
                        owner_organisation__isnull=True,
                        owner_user__isnull=False,
                    )
                ),
                name="action_one_owner_matching_kind",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="action_open_due", condition=Q(done_on__isnull=True))]

    def __str__(self) -> str:
        return self.get_owner_kind_display()


class SafetyAgreement(models.Model):
    """A veiligheidsafspraak (only on a case with a safety flag)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="safety_agreements")
    text = models.CharField(_("afspraak"), max_length=500, validators=[v.no_control_characters])
    who = models.CharField(_("wie"), max_length=200, validators=[v.no_control_characters])

    class Meta:
        verbose_name = _("veiligheidsafspraak")
        verbose_name_plural = _("veiligheidsafspraken")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return str(_("veiligheidsafspraak"))


class Risk(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(_("risico"), max_length=500, validators=[v.no_control_characters])
    mitigation = models.CharField(
        _("wat doen we eraan"), max_length=500, blank=True, validators=[v.no_control_characters]
    )

    class Meta:
        verbose_name = _("risico")
        verbose_name_plural = _("risico's")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return str(_("risico"))


class Evaluation(models.Model):
    """The evaluation of one plan version (at most one: a second submit finds the first)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="evaluation")
    date = models.DateField(_("datum evaluatie"))
    household_view = models.TextField(
        _("hoe ervaart het gezin de hulp?"),
        blank=True,
        max_length=v.TEXT_MAX,
        validators=[v.MaxLengthValidator(v.TEXT_MAX), v.no_control_characters_multiline],
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")
        ordering = ["-date"]
        constraints = [
            v.text_length_constraint("household_view", v.TEXT_MAX, name="evaluation_household_view_max_length")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.date:%Y-%m-%d}"


class GoalEvaluation(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="goal_outcomes")
    goal = models.OneToOneField(Goal, on_delete=models.PROTECT, related_name="outcome")
    outcome = models.CharField(_("resultaat"), max_length=16, choices=GoalOutcome.choices)
    household_view = models.CharField(
        _("zo ziet het gezin het"), max_length=500, blank=True, validators=[v.no_control_characters]
    )

    class Meta:
        verbose_name = _("resultaat doel")
        verbose_name_plural = _("resultaten doelen")

    def __str__(self) -> str:
        return self.get_outcome_display()


class EvaluationScore(models.Model):
    """A self-reliance score measured again at an evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey("cases.HouseholdMember", on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(_("leefgebied"), max_length=16, choices=Domain.choices)
    score = models.PositiveSmallIntegerField(_("score"), choices=SCORE_CHOICES, validators=SCORE_RANGE)

    class Meta:
        verbose_name = _("score bij evaluatie")
        verbose_name_plural = _("scores bij evaluatie")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "member", "domain"], name="evalscore_unique"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evalscore_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.score}"


class LadderMeasurement(models.Model):
    """The participatieladder rung of one adult, at a gesprek or an evaluation."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("cases.HouseholdMember", on_delete=models.CASCADE, related_name="+")
    rung = models.PositiveSmallIntegerField(_("trede"), choices=Rung.choices, validators=RUNG_RANGE)
    measured_on = models.DateField(_("datum"))
    source = models.CharField(_("bron"), max_length=12, choices=MeasurementSource.choices)
    gesprek = models.ForeignKey("intake.Gesprek", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, null=True, blank=True, related_name="rungs")

    class Meta:
        verbose_name = _("trede participatieladder")
        verbose_name_plural = _("treden participatieladder")
        ordering = ["measured_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(rung__gte=1, rung__lte=6), name="ladder_rung_1_6"),
            models.UniqueConstraint(fields=["gesprek", "member"], name="ladder_once_per_gesprek"),
            models.UniqueConstraint(fields=["evaluation", "member"], name="ladder_once_per_evaluation"),
        ]

    def __str__(self) -> str:
        return self.get_rung_display()


class ReminderSent(models.Model):
    """One reminder per overdue item per day (the beat task's idempotency guard)."""

    item_key = models.CharField(max_length=80)  # "evaluation:<plan uuid>" / "action:<action uuid>"
    day = models.DateField()
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        constraints = [models.UniqueConstraint(fields=["item_key", "day"], name="reminder_once_per_item_per_day")]

    def __str__(self) -> str:
        return f"{self.item_key} {self.day}"


class PdfRunStatus(models.TextChoices):
    PENDING = "pending", _("In de wachtrij")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class PlanPdfRun(models.Model):
    """A PDF of a large plan, rendered by a Celery task (the page polls this row)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pdf_runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=PdfRunStatus.choices, default=PdfRunStatus.PENDING)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF-opdracht")
        verbose_name_plural = _("PDF-opdrachten")

    def __str__(self) -> str:
        return str(self.uuid)


class QuestionnaireInvite(models.Model):
    """A single-use, expiring code for the client-experience questionnaire.

    Only a hash of the code is stored; the code itself is shown once to the regisseur
    (as a link and as a printable code).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The link's secret (a random UUID, so the URL carries only a uuid), also stored hashed.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uitnodiging vragenlijst")
        verbose_name_plural = _("uitnodigingen vragenlijst")

    def __str__(self) -> str:
        return str(self.uuid)


class QuestionnaireAnswer(models.Model):
    """The household's answers: linked to the case and the plan version only, never to a person."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    q_ours = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    q_reachable = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    q_fit = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    q_better = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    q_recommend = models.PositiveSmallIntegerField(validators=SCORE_RANGE)
    remarks = models.TextField(
        blank=True,
        max_length=v.SHORT_TEXT_MAX,
        validators=[v.MaxLengthValidator(v.SHORT_TEXT_MAX), v.no_control_characters_multiline],
    )
    answered_on = models.DateField()

    class Meta:
        verbose_name = _("antwoord vragenlijst")
        verbose_name_plural = _("antwoorden vragenlijst")
        constraints = [
            v.text_length_constraint("remarks", v.SHORT_TEXT_MAX, name="questionnaire_answer_remarks_max_length")
        ]

    def __str__(self) -> str:
        return str(self.answered_on)


__all__ = [
    "Action",
    "Evaluation",
    "Goal",
    "GoalEvaluation",
    "GoalOutcome",
    "LadderMeasurement",
    "Plan",
    "PlanPdfRun",
    "PlanSettings",
    "QuestionnaireAnswer",
    "QuestionnaireInvite",
    "ReminderSent",
    "Risk",
    "SafetyAgreement",
]
