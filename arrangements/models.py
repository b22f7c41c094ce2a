"""Provision catalogue, mandates, arrangements, escalations and decisions.

Reference data (catalogue items, tariffs, mandates) belongs to one municipality and is
kept by its functional administrators in the admin. Everything bound to a case
(arrangements, escalations, decisions, expert access) is case content: it is authorised
through its case (docs/permissions.md) and never shown in the admin.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from socialdomain import validators as v

from .constants import (
    ArrangementStatus,
    CeilingApprovalStatus,
    DeliveryForm,
    EscalationOutcome,
    EscalationReason,
    EscalationStatus,
    ExecutionVariant,
    Frequency,
    Law,
    ProvisionKind,
    StopReason,
    Taakveld,
    Unit,
    Urgency,
)

# Text limits (characters) of this app's free text; the shared ones are in socialdomain.validators.
ESCALATION_TEXT_MAX = 4_000  # the question to the expert team and its advice
MOTIVATION_MAX = 8_000  # the motivation of a decision (beschikking), about three A4 pages
APPROVAL_TEXT_MAX = 1_000  # why a grant should go beyond the team's ceiling, and the team leader's reason


class CatalogueItem(models.Model):
    """One provision a municipality offers: general (free access) or maatwerk (tailored)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="catalogue_items", verbose_name=_("gemeente")
    )
    name = models.CharField(_("naam"), max_length=150)
    description = models.TextField(
        _("omschrijving"),
        blank=True,
        max_length=v.SHORT_TEXT_MAX,
        validators=[v.MaxLengthValidator(v.SHORT_TEXT_MAX), v.no_control_characters_multiline],
    )
    law = models.CharField(_("wet"), max_length=16, choices=Law.choices)
    kind = models.CharField(_("soort"), max_length=16, choices=ProvisionKind.choices)
    indication_required = models.BooleanField(
        _("indicatie nodig"), default=False, help_text=_("Alleen het expertiseteam kan dit toekennen.")
    )
    product_category = models.CharField(
        _("productcategorie"), max_length=2, blank=True, help_text=_("iWmo/iJw-productcategorie, bijv. 45.")
    )
    product_code = models.CharField(
        _("productcode"), max_length=5, blank=True, help_text=_("Landelijke productcode (iWmo/iJw), bijv. 45A10.")
    )
    unit = models.CharField(_("eenheid"), max_length=8, choices=Unit.choices, default=Unit.HOUR)
    frequency = models.CharField(_("frequentie"), max_length=8, choices=Frequency.choices, default=Frequency.PER_WEEK)
    execution_variant = models.CharField(
        _("uitvoeringsvariant"),
        max_length=20,
        choices=ExecutionVariant.choices,
        default=ExecutionVariant.INSPANNINGSGERICHT,
        help_text=_("iWmo/iJw: inspanningsgericht, outputgericht of taakgericht."),
    )
    zin_allowed = models.BooleanField(_("in natura (ZIN) mogelijk"), default=True)
    pgb_allowed = models.BooleanField(_("PGB mogelijk"), default=False)
    taakveld = models.CharField(_("Iv3-taakveld"), max_length=5, choices=Taakveld.choices)
    bsn_required = models.BooleanField(
        _("BSN wettelijk nodig voor de aanbieder"),
        default=False,
        help_text=_("Alleen dan krijgt de aanbieder het BSN via de partnerkoppeling."),
    )
    providers = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="contracted_items",
        verbose_name=_("gecontracteerde aanbieders"),
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("voorziening in de catalogus")
        verbose_name_plural = _("catalogus")
        ordering = ["municipality__name", "law", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="catalogue_item_unique_name"),
            models.CheckConstraint(
                condition=Q(kind=ProvisionKind.MAATWERK) | Q(indication_required=False),
                name="catalogue_general_needs_no_indication",
            ),
            v.text_length_constraint("description", v.SHORT_TEXT_MAX, name="catalogue_description_max_length"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_general(self) -> bool:
        return self.kind == ProvisionKind.GENERAL

    def delivery_forms(self) -> list[str]:
        return [f for f, ok in ((DeliveryForm.ZIN, self.zin_allowed), (DeliveryForm.PGB, self.pgb_allowed)) if ok]

    def clean(self) -> None:
        if self.kind == ProvisionKind.GENERAL and self.indication_required:
            raise ValidationError({"indication_required": _("Een algemene voorziening heeft geen indicatie nodig.")})
        if self.kind == ProvisionKind.MAATWERK and not (self.zin_allowed or self.pgb_allowed):
            raise ValidationError(_("Kies ten minste één leveringsvorm (ZIN of PGB)."))


class Tariff(models.Model):
    """The price per unit of an item for a period. Periods of one item never overlap.

    A tariff change is a new row from a date (the previous one is closed the day before):
    the past is never rewritten, so an old cost estimate stays reproducible. On PostgreSQL
    an exclusion constraint (migration 0002) backs the service check.
    """

    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="tariffs")
    amount = models.DecimalField(_("tarief per eenheid (€)"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tarief")
        verbose_name_plural = _("tarieven")
        ordering = ["item", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tariff_amount_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="tariff_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} € {self.amount} vanaf {self.valid_from:%d-%m-%Y}"

    def clean(self) -> None:
        """No overlap with another tariff of the item, except the open-ended current one that
        a later start closes (`services.tariff_close_previous`)."""
        if self.item_id is None or self.valid_from is None:
            return
        others = Tariff.objects.filter(item_id=self.item_id).exclude(pk=self.pk)
        if self.valid_until is not None:
            others = others.filter(valid_from__lte=self.valid_until)
        others = others.exclude(valid_until__lt=self.valid_from)
        closes_current = others.filter(valid_until__isnull=True, valid_from__lt=self.valid_from)
        if self.pk is None and closes_current.exists() and self.valid_from < timezone.localdate():
            raise ValidationError(
                {"valid_from": _("Een tariefwijziging gaat niet met terugwerkende kracht in: kies vandaag of later.")},
                code="retroactive",
            )
        others = others.exclude(pk__in=closes_current.values("pk"))
        if others.exists():
            raise ValidationError(
                _(
                    "Dit tarief overlapt met een ander tarief van deze voorziening; "
                    "een tariefwijziging begint na het laatste tarief."
                ),
                code="overlap",
            )

    def covers(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Mandate(models.Model):
    """What holders of a role in a team may grant without the expert team."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="mandates", verbose_name=_("team"))
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices, default=Role.REGISSEUR)
    items = models.ManyToManyField(CatalogueItem, blank=True, related_name="mandates", verbose_name=_("voorzieningen"))
    max_per_arrangement = models.DecimalField(_("maximum per voorziening (€)"), max_digits=12, decimal_places=2)
    max_per_household_year = models.DecimalField(
        _("maximum per huishouden per kalenderjaar (€)"), max_digits=12, decimal_places=2
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("mandaat")
        verbose_name_plural = _("mandaten")
        constraints = [
            models.UniqueConstraint(fields=["team", "role"], name="mandate_unique_team_role"),
            models.CheckConstraint(condition=Q(max_per_arrangement__gte=0), name="mandate_max_nonnegative"),
            models.CheckConstraint(condition=Q(max_per_household_year__gte=0), name="mandate_year_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.team} – {self.get_role_display()}"


class Arrangement(models.Model):
    """A provision deployed for one household member on a case, on a goal of its plan.

    The goal is named by its lineage (`plan.Goal.lineage`), which stays the same when the
    plan's next version copies the goal, so the arrangement stays on "its" goal across
    versions; the service checks that it is a goal of the case's current plan.
    `unit` and `frequency` are copied from the item when it is requested, so a later
    catalogue change does not alter what was granted.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="arrangements")
    member = models.ForeignKey(
        "cases.HouseholdMember", on_delete=models.PROTECT, related_name="arrangements", verbose_name=_("gezinslid")
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, related_name="arrangements", verbose_name=_("voorziening")
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrangements",
        verbose_name=_("aanbieder"),
    )
    goal_lineage = models.UUIDField(
        _("plandoel"), null=True, blank=True, help_text=_("Het doel in het plan waarvoor deze voorziening is.")
    )
    contribution = models.CharField(
        _("wie draagt bij"),
        max_length=300,
        blank=True,
        help_text=_("Bij informele en algemene voorzieningen: wie doet wat (netwerk, vrijwilliger)."),
    )
    volume = models.DecimalField(_("omvang"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("eenheid"), max_length=8, choices=Unit.choices)
    frequency = models.CharField(_("frequentie"), max_length=8, choices=Frequency.choices)
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("einddatum"), null=True, blank=True)
    delivery_form = models.CharField(_("leveringsvorm"), max_length=4, choices=DeliveryForm.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ArrangementStatus.choices, default=ArrangementStatus.REQUESTED
    )
    cost_total = models.DecimalField(_("geraamde kosten (€)"), default=0, max_digits=12, decimal_places=2)
    stop_reason = models.CharField(_("reden van beëindigen"), max_length=16, choices=StopReason.choices, blank=True)
    stopped_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    # When it was allocated to the provider (toewijzing, 301): what the partner API shows.
    allocated_at = models.DateTimeField(_("toegewezen op"), null=True, blank=True, editable=False)
    review_date = models.DateField(_("evaluatiedatum"), null=True, blank=True)
    review_due_since = models.DateField(_("evaluatie klaargezet op"), null=True, blank=True, editable=False)
    insufficient = models.BooleanField(_("volstaat niet meer"), default=False)
    insufficient_note = models.CharField(_("toelichting volstaat niet meer"), max_length=500, blank=True)
    insufficient_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The form's one-time token: the same submission twice creates one arrangement.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voorziening")
        verbose_name_plural = _("voorzieningen")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="arrangement_period_ordered",
            ),
            models.CheckConstraint(condition=Q(volume__isnull=True) | Q(volume__gt=0), name="arrangement_volume_pos"),
            models.CheckConstraint(condition=Q(cost_total__gte=0), name="arrangement_cost_nonnegative"),
            models.CheckConstraint(
                condition=~Q(status=ArrangementStatus.STOPPED) | ~Q(stop_reason=""), name="arrangement_stop_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="arrangement_case_recent"),
            models.Index(fields=["review_date"], name="arrangement_review", condition=Q(review_due_since__isnull=True)),
            # The partner API's list: a provider's allocations in id order (cursor pagination).
            models.Index(
                fields=["provider", "id"], name="arrangement_provider_api", condition=Q(allocated_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (ArrangementStatus.GRANTED, ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED)


class CommitmentMonth(models.Model):
    """The arrangement's committed cost per calendar month, as last announced to the budget.

    Replaced as a whole on every grant, change and stop (the same schedule that goes to
    `arrangements.hooks.commitment_changed`); the budget keeps its own books. The household
    yearly total of the mandate check is one aggregate over these rows.
    """

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()  # first day of the month
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["arrangement", "month"]
        constraints = [models.UniqueConstraint(fields=["arrangement", "month"], name="commitment_month_unique")]

    def __str__(self) -> str:
        return f"{self.arrangement_id} {self.month:%Y-%m}"


class CommitmentTotal(models.Model):
    """The committed cost per municipality x catalogue item x provider x delivery form x
    month: the sum of `CommitmentMonth` over the arrangements with that key.

    Kept in step where the months are written (`services._store_schedule`, through
    `totals.shift`) and deleted (retention, through `totals.release`); `totals.rebuild`
    recomputes it. The quarterly report reads these few hundred cells per month instead of
    every commitment month of every arrangement (docs/performance.md). The key is fixed
    for an arrangement once it has months: its case's team (so municipality), item,
    provider and delivery form do not change after the request. No case, household or
    person is in it.
    """

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+")
    delivery_form = models.CharField(max_length=4, choices=DeliveryForm.choices, blank=True)
    month = models.DateField()  # first day of the month
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.F("municipality"),
                models.F("item"),
                Coalesce("provider", 0),
                models.F("delivery_form"),
                models.F("month"),
                name="commitment_total_one_cell",
            )
        ]
        verbose_name = _("verplichtingen per maand (totaal)")
        verbose_name_plural = _("verplichtingen per maand (totalen)")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class Escalation(models.Model):
    """A question to the expert team about a case (opschalen), with a response deadline."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="escalations")
    expert_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="escalations", verbose_name=_("expertiseteam")
    )
    arrangement = models.ForeignKey(
        Arrangement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("voorziening"),
    )
    reason = models.CharField(_("reden"), max_length=16, choices=EscalationReason.choices)
    urgency = models.CharField(_("urgentie"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    question = models.TextField(
        _("vraag aan het expertiseteam"),
        max_length=ESCALATION_TEXT_MAX,
        validators=[v.MaxLengthValidator(ESCALATION_TEXT_MAX), v.no_control_characters_multiline],
    )
    deadline = models.DateField(_("reactie uiterlijk"))
    assigned_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_escalations",
        verbose_name=_("toegewezen expert"),
    )
    status = models.CharField(_("status"), max_length=12, choices=EscalationStatus.choices, default="open")
    outcome = models.CharField(_("uitkomst"), max_length=12, choices=EscalationOutcome.choices, blank=True)
    advice = models.TextField(
        _("advies"),
        blank=True,
        max_length=ESCALATION_TEXT_MAX,
        validators=[v.MaxLengthValidator(ESCALATION_TEXT_MAX), v.no_control_characters_multiline],
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("escalatie")
        verbose_name_plural = _("escalaties")
        ordering = ["deadline", "opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False) & ~Q(outcome=""))
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="escalation_closed_has_outcome",
            ),
            v.text_length_constraint("question", ESCALATION_TEXT_MAX, name="escalation_question_max_length"),
            v.text_length_constraint("advice", ESCALATION_TEXT_MAX, name="escalation_advice_max_length"),
        ]
        indexes = [
            models.Index(fields=["expert_team", "deadline"], name="escalation_queue", condition=~Q(status="closed")),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != EscalationStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class ExpertAccess(models.Model):
    """An expert's time-limited access to a case through an escalation.

    The grant itself is a guardian grant (socialdomain.authz); this row says where it came
    from and until when it counts. `cases.permissions` asks at read time (through the
    registered grant source in arrangements/access.py) for grants whose access has ended
    or passed `expires_at`, so access ends the moment the escalation closes or the maximum
    period passes, without waiting for a task. `owns_view`/`owns_change` record whether the
    escalation created the grant (an earlier personal share is never taken away).
    """

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="accesses")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="expert_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_accesses")
    write = models.BooleanField(default=False)
    owns_view = models.BooleanField(default=True)
    owns_change = models.BooleanField(default=False)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)  # the guardian grants were removed

    class Meta:
        verbose_name = _("toegang expertiseteam")
        verbose_name_plural = _("toegang expertiseteam")
        constraints = [models.UniqueConstraint(fields=["escalation", "user"], name="expert_access_unique")]
        indexes = [models.Index(fields=["user", "case"], name="expert_access_lookup")]

    def __str__(self) -> str:
        return f"{self.escalation_id} → {self.user_id}"

    def is_live(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        return self.ended_at is None and self.revoked_at is None and self.expires_at > now


class Decision(models.Model):
    """A formal decision (beschikking) of the expert team on an arrangement.

    The letter is rendered once to PDF and stored with the case (`pdf`), so what the
    household received is what stays on file.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    escalation = models.OneToOneField(Escalation, on_delete=models.PROTECT, related_name="decision")
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="decisions")
    granted = models.BooleanField(_("toegekend"))
    legal_basis = models.CharField(_("wettelijke grondslag"), max_length=200)
    period_start = models.DateField(_("ingangsdatum"))
    period_end = models.DateField(_("einddatum"), null=True, blank=True)
    product = models.CharField(_("product"), max_length=200)
    volume_text = models.CharField(_("omvang"), max_length=200)
    motivation = models.TextField(
        _("motivering"),
        max_length=MOTIVATION_MAX,
        validators=[v.MaxLengthValidator(MOTIVATION_MAX), v.no_control_characters_multiline],
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    pdf = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("beschikking")
        verbose_name_plural = _("beschikkingen")
        ordering = ["-decided_at"]
        constraints = [v.text_length_constraint("motivation", MOTIVATION_MAX, name="decision_motivation_max_length")]

    def __str__(self) -> str:
        return f"beschikking {self.uuid}"


class EscalationWarning(models.Model):
    """One warning to the expert team's leader per overdue escalation per day (idempotency)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="warnings")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["escalation", "day"], name="escalation_warning_once_a_day")]

    def __str__(self) -> str:
        return f"{self.escalation_id} {self.day}"


class CeilingApproval(models.Model):
    """The regisseur's request to grant an arrangement beyond the team's budget ceiling,
    and the team leader's decision on it (four-eyes: never the requester).

    While pending the arrangement is *requested* (it commits nothing); approval grants it
    and books its commitment despite the ceiling, rejection refuses it. Case content:
    authorised through its case, never in the admin.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ceiling_approvals")
    arrangement = models.OneToOneField(Arrangement, on_delete=models.PROTECT, related_name="ceiling_approval")
    status = models.CharField(
        _("status"), max_length=10, choices=CeilingApprovalStatus.choices, default=CeilingApprovalStatus.PENDING
    )
    motivation = models.TextField(
        _("toelichting"),
        max_length=APPROVAL_TEXT_MAX,
        validators=[v.MaxLengthValidator(APPROVAL_TEXT_MAX), v.no_control_characters_multiline],
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(
        _("reden"),
        max_length=APPROVAL_TEXT_MAX,
        blank=True,
        validators=[v.MaxLengthValidator(APPROVAL_TEXT_MAX), v.no_control_characters_multiline],
    )

    class Meta:
        verbose_name = _("goedkeuring boven het budgetplafond")
        verbose_name_plural = _("goedkeuringen boven het budgetplafond")
        ordering = ["requested_at", "pk"]
        constraints = [
            v.text_length_constraint("motivation", APPROVAL_TEXT_MAX, name="ceiling_approval_motivation_max_length"),
            v.text_length_constraint("reason", APPROVAL_TEXT_MAX, name="ceiling_approval_reason_max_length"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="ceiling_approval_four_eyes",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=CeilingApprovalStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                    | (
                        ~Q(status=CeilingApprovalStatus.PENDING)
                        & Q(decided_by__isnull=False, decided_at__isnull=False)
                        & ~Q(reason="")
                    )
                ),
                name="ceiling_approval_decided_consistently",
            ),
        ]
        indexes = [
            models.Index(
                fields=["case", "requested_at"],
                name="ceiling_approval_pending",
                condition=Q(status=CeilingApprovalStatus.PENDING),
            )
        ]

    def __str__(self) -> str:
        return f"plafondgoedkeuring {self.uuid}"

    @property
    def is_pending(self) -> bool:
        return self.status == CeilingApprovalStatus.PENDING
