"""What care providers send in through the partner API besides start and stop:
declarations (iWmo/iJw 303, answered per line as a 304), requests for an allocation (315)
and progress reports. Imported by `partners.models`.

Lines, requests and reports hang on the arrangement (the allocation) and name the
partner organisation and the OAuth client that sent them; none of them holds personal data
beyond the provider's own free text of a report or request (length-limited, no control or
bidi characters, never copied into the audit log).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialdomain import validators as v

REFERENCE_MAX = 40  # the provider's own number for a line (iWmo: ReferentieNummer, 20)
PRODUCT_CODE_MAX = 5  # the national product code (iWmo/iJw), e.g. 45A10
REPORT_TEXT_MAX = v.TEXT_MAX  # a progress report: about two A4 pages
REQUEST_TEXT_MAX = v.SHORT_TEXT_MAX  # the motivation of a 315 request


class LineStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Geaccepteerd")
    REFUSED = "refused", _("Afgewezen")


class Declaration(models.Model):
    """One batch of declaration lines (a 303 message), as received."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("aanbieder")
    )
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("gemeente")
    )
    client_id = models.CharField(_("API-client"), max_length=100)
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    lines_total = models.PositiveIntegerField(_("regels"), default=0)
    lines_accepted = models.PositiveIntegerField(_("geaccepteerde regels"), default=0)

    class Meta:
        verbose_name = _("declaratie")
        verbose_name_plural = _("declaraties")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["organisation", "-received_at"], name="declaration_org_recent")]

    def __str__(self) -> str:
        return f"declaratie {self.uuid}"


class DeclarationLine(models.Model):
    """One line of a declaration with its answer (304): accepted, or refused with a code.

    An accepted line was booked as a budget actual (`budget.LedgerEntry` with source
    "declaration_line" and this line's id); a refused one booked nothing. A credit line
    (`credit_of`) reverses an accepted line exactly once (partial unique constraint).
    `amount` and `volume` are as declared (a credit states the original's positive values).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="lines")
    # No index of its own: lookups by organisation go through the partial unique index on
    # (organisation, reference); fewer indexes keep the batch insert fast.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    position = models.PositiveIntegerField()  # index in the batch, from 0
    # Null when the allocation named does not exist or is not this provider's (refused 8001).
    arrangement = models.ForeignKey(
        "arrangements.Arrangement", on_delete=models.PROTECT, null=True, related_name="declaration_lines"
    )
    reference = models.CharField(_("referentie aanbieder"), max_length=REFERENCE_MAX)
    period_start = models.DateField(_("begin periode"))
    period_end = models.DateField(_("einde periode"))
    product_code = models.CharField(_("productcode"), max_length=PRODUCT_CODE_MAX, blank=True)
    volume = models.DecimalField(_("omvang"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("bedrag (€)"), max_digits=14, decimal_places=2)
    credit_of = models.ForeignKey(  # indexed by the partial unique constraint below
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
        verbose_name=_("credit van"),
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=8, choices=LineStatus.choices)
    reason_code = models.CharField(_("retourcode"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("declaratieregel")
        verbose_name_plural = _("declaratieregels")
        ordering = ["declaration", "position"]
        constraints = [
            # A line is credited once: a second credit of it is refused (8012), and this backs it.
            models.UniqueConstraint(
                fields=["credit_of"],
                condition=Q(status="accepted", credit_of__isnull=False),
                name="declaration_line_credited_once",
            ),
            # The provider's reference names one accepted line (no double declaration).
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=Q(status="accepted"),
                name="declaration_line_reference_once",
            ),
            models.CheckConstraint(
                condition=Q(status="refused") | (Q(reason_code="") & Q(arrangement__isnull=False)),
                name="declaration_line_accepted_has_allocation",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="declaration_period"),
        ]
        indexes = [
            models.Index(
                fields=["arrangement", "period_start"], name="declaration_line_accepted", condition=Q(status="accepted")
            ),
        ]

    def __str__(self) -> str:
        return f"declaratieregel {self.uuid}"


class RequestKind(models.TextChoices):
    """What a provider may ask for an allocation it holds (iWmo/iJw 315, "verzoek om toewijzing")."""

    VOLUME = "volume", _("Meer of minder omvang")
    EXTENSION = "extension", _("Verlenging")
    OTHER_PRODUCT = "other_product", _("Ander product")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HANDLED = "handled", _("Afgehandeld")


class AllocationRequest(models.Model):
    """A provider's request about an allocation it holds; lands on the regisseur's worklist.

    The regisseur decides through the normal arrangement screens (change, new arrangement)
    and marks the request handled; the request itself changes nothing.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        "arrangements.Arrangement", on_delete=models.PROTECT, related_name="partner_requests"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    client_id = models.CharField(max_length=100)
    kind = models.CharField(_("soort verzoek"), max_length=16, choices=RequestKind.choices)
    volume = models.DecimalField(_("gevraagde omvang"), max_digits=10, decimal_places=2, null=True, blank=True)
    end_date = models.DateField(_("gevraagde einddatum"), null=True, blank=True)
    product_code = models.CharField(_("gevraagde productcode"), max_length=PRODUCT_CODE_MAX, blank=True)
    motivation = models.TextField(
        _("toelichting"),
        max_length=REQUEST_TEXT_MAX,
        validators=[v.MaxLengthValidator(REQUEST_TEXT_MAX), v.no_control_characters_multiline],
    )
    status = models.CharField(_("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verzoek om toewijzing")
        verbose_name_plural = _("verzoeken om toewijzing")
        ordering = ["-received_at"]
        constraints = [
            v.text_length_constraint("motivation", REQUEST_TEXT_MAX, name="allocation_request_motivation_max_length"),
            models.CheckConstraint(condition=Q(volume__isnull=True) | Q(volume__gt=0), name="allocation_request_vol"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(handled_at__isnull=False), name="allocation_request_handled_at"
            ),
        ]
        indexes = [
            models.Index(fields=["arrangement"], name="allocation_request_open", condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return f"verzoek {self.uuid}"


class GoalProgress(models.TextChoices):
    ON_TRACK = "on_track", _("Op koers")
    BEHIND = "behind", _("Loopt achter")
    ACHIEVED = "achieved", _("Bereikt")
    NOT_ACHIEVABLE = "not_achievable", _("Niet haalbaar")


class ProgressReport(models.Model):
    """A provider's progress report on an allocation; shown on the case (timeline, Voorzieningen)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        "arrangements.Arrangement", on_delete=models.PROTECT, related_name="progress_reports"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    client_id = models.CharField(max_length=100)
    text = models.TextField(
        _("rapportage"),
        max_length=REPORT_TEXT_MAX,
        validators=[v.MaxLengthValidator(REPORT_TEXT_MAX), v.no_control_characters_multiline],
    )
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("voortgangsrapportage")
        verbose_name_plural = _("voortgangsrapportages")
        ordering = ["-received_at", "-id"]
        constraints = [v.text_length_constraint("text", REPORT_TEXT_MAX, name="progress_report_text_max_length")]
        indexes = [models.Index(fields=["arrangement", "-received_at"], name="progress_report_recent")]

    def __str__(self) -> str:
        return f"voortgangsrapportage {self.uuid}"


class ProgressGoalStatus(models.Model):
    """The provider's status of one plan goal (by lineage) in a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="goal_statuses")
    goal_lineage = models.UUIDField()
    status = models.CharField(_("status"), max_length=16, choices=GoalProgress.choices)

    class Meta:
        verbose_name = _("status van een plandoel")
        verbose_name_plural = _("statussen van plandoelen")
        constraints = [models.UniqueConstraint(fields=["report", "goal_lineage"], name="progress_goal_once")]

    def __str__(self) -> str:
        return f"doelstatus {self.pk}"
