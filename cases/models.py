import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from socialdomain import validators as v
from socialdomain.authz import GroupObjectPermissionBase, UserObjectPermissionBase

from . import bsn as bsn_crypto
from .constants import (
    CaseOutcome,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    Line,
    MemberRole,
    NetworkRelation,
    RegisseurChangeReason,
)
from .querysets import CaseQuerySet


class Person(models.Model):
    """A citizen, stored once per municipality and reused ("ask once, use many times").

    A person belongs to one municipality (each is its own data controller): every lookup
    is scoped to it, and the BSN's blind index is unique per municipality, not globally.
    The BSN is never stored in plain text: `bsn_encrypted` holds the Fernet token and
    `bsn_index` an HMAC blind index for exact lookups (see cases/bsn.py). A person recorded
    by a professional who may not read the already registered person with that BSN keeps
    the BSN encrypted but unindexed (`bsn_index` empty; docs/permissions.md, "Person lookup").
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="persons", verbose_name=_("gemeente")
    )
    first_name = models.CharField(_("voornaam"), max_length=100, validators=[v.no_control_characters])
    last_name = models.CharField(_("achternaam"), max_length=150, validators=[v.no_control_characters])
    birth_date = models.DateField(_("geboortedatum"), validators=[v.BIRTH_DATE])
    bsn_encrypted = models.TextField(_("BSN (versleuteld)"), blank=True, editable=False)
    bsn_index = models.CharField(max_length=64, null=True, blank=True, editable=False)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True, validators=[v.no_control_characters])
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("adres"), max_length=200, blank=True, validators=[v.no_control_characters])
    # AVG art. 18: while set, the person is left out of partner API answers and report counts.
    processing_restricted = models.BooleanField(_("verwerking beperkt"), default=False)
    restricted_since = models.DateTimeField(_("beperkt sinds"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        indexes = [models.Index(fields=["last_name", "birth_date"], name="person_name_birth")]
        constraints = [
            # One findable person per BSN *per municipality*; the index serves the scoped lookup.
            models.UniqueConstraint(fields=["municipality", "bsn_index"], name="person_unique_bsn_per_municipality"),
        ]

    def __str__(self) -> str:
        # No personal data in __str__ (admin pages, delete confirmations, logs): templates use full_name.
        return f"{_('Persoon')} {str(self.uuid)[:8]}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @cached_property
    def _bsn_decrypted(self) -> str | None:
        if not self.bsn_encrypted:
            return ""
        return bsn_crypto.decrypt_bsn_or_none(self.bsn_encrypted, person_id=self.pk)

    @property
    def bsn(self) -> str:
        """The plain BSN; "" when none is stored or when it cannot be decrypted (see
        `bsn_unreadable`: a key problem, logged once per instance)."""
        return self._bsn_decrypted or ""

    @property
    def bsn_unreadable(self) -> bool:
        return self._bsn_decrypted is None

    @property
    def bsn_masked(self) -> str:
        if self.bsn_unreadable:
            return str(bsn_crypto.BSN_UNREADABLE)
        return bsn_crypto.mask_bsn(self.bsn)

    def set_bsn(self, value: str, *, indexed: bool = True) -> None:
        """Store the BSN normalised and encrypted; `indexed=False` keeps it out of the lookup."""
        value = bsn_crypto.normalise_bsn(value) if value else ""
        self.bsn_encrypted = bsn_crypto.encrypt_bsn(value) if value else ""
        self.bsn_index = bsn_crypto.bsn_blind_index(value) if value and indexed else None
        self.__dict__.pop("_bsn_decrypted", None)

    @property
    def age(self) -> int:
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class Household(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="households", verbose_name=_("gemeente")
    )
    name = models.CharField(
        _("naam"), max_length=150, help_text=_("Bijvoorbeeld: gezin De Vries."), validators=[v.no_control_characters]
    )
    address = models.CharField(_("adres"), max_length=200, blank=True, validators=[v.no_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("huishouden")
        verbose_name_plural = _("huishoudens")

    def __str__(self) -> str:
        return f"{_('Huishouden')} {str(self.uuid)[:8]}"


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("persoon"))
    role = models.CharField(_("rol in huishouden"), max_length=16, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("gezinslid")
        verbose_name_plural = _("gezinsleden")
        constraints = [models.UniqueConstraint(fields=["household", "person"], name="member_unique_person")]

    def __str__(self) -> str:
        return f"{_('Gezinslid')} #{self.pk}"


class NetworkContact(models.Model):
    """Someone around the household: relative, neighbour, volunteer, professional."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="network")
    name = models.CharField(_("naam"), max_length=150, validators=[v.no_control_characters])
    relation = models.CharField(_("relatie"), max_length=16, choices=NetworkRelation.choices)
    organisation = models.CharField(_("organisatie"), max_length=150, blank=True, validators=[v.no_control_characters])
    phone = models.CharField(_("telefoon"), max_length=30, blank=True, validators=[v.no_control_characters])
    email = models.EmailField(_("e-mail"), blank=True)
    note = models.CharField(_("toelichting"), max_length=300, blank=True, validators=[v.no_control_characters])

    class Meta:
        verbose_name = _("netwerkcontact")
        verbose_name_plural = _("netwerk")

    def __str__(self) -> str:
        return f"{_('Netwerkcontact')} #{self.pk}"


class Case(models.Model):
    """The one case of a household ("1 gezin, 1 plan, 1 regisseur").

    Access is per case: the regisseur (and the team leader of the team) implicitly,
    colleagues and teams through guardian grants (`CaseUserObjectPermission`,
    `CaseGroupObjectPermission`): view_case = read along, change_case = record.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("dossiernummer"), max_length=20, unique=True, editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("huishouden")
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="cases", verbose_name=_("team"))
    regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_as_regisseur",
        verbose_name=_("regisseur"),
    )
    line = models.CharField(_("lijn"), max_length=8, choices=Line.choices, default=Line.SECOND)
    status = models.CharField(_("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("geopend op"), default=timezone.localdate)
    closed_on = models.DateField(_("gesloten op"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=CaseOutcome.choices, blank=True)
    close_reason = models.CharField(
        _("toelichting bij sluiten"), max_length=500, blank=True, validators=[v.no_control_characters_multiline]
    )
    safety_flag = models.BooleanField(_("veiligheidssignaal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(status="open"), name="case_one_open_per_household"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="case_closed_on_matches_status",
            ),
        ]
        indexes = [
            # "My cases" sorted by recency: the index matches filter + sort. It carries the id
            # so the own-cases branch of `visible_case_ids` is an index-only scan.
            models.Index(fields=["regisseur", "-updated_at"], include=["id"], name="case_regisseur_recent"),
            # The visible ids of a list (`visible_case_ids`) are sorted by recency before the
            # page's rows are joined: this makes that an index-only lookup per visible id.
            models.Index(fields=["id"], include=["updated_at"], name="case_id_recent"),
            models.Index(fields=["team", "-updated_at"], name="case_team_recent"),
            models.Index(fields=["-updated_at"], name="case_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian table: a case shared with one colleague."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("gedeelde toegang (collega)")
        verbose_name_plural = _("gedeelde toegang (collega's)")
        indexes = [models.Index(fields=["user", "permission", "content_object"], name="caseuserperm_lookup")]


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Direct-FK guardian table: a case shared with a whole team (its group)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("gedeelde toegang (team)")
        verbose_name_plural = _("gedeelde toegang (teams)")
        indexes = [models.Index(fields=["group", "permission", "content_object"], name="casegroupperm_lookup")]


class RegisseurChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="regisseur_changes")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reden"), max_length=16, choices=RegisseurChangeReason.choices)
    note = models.CharField(
        _("toelichting"), max_length=500, blank=True, validators=[v.no_control_characters_multiline]
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("regisseurswissel")
        verbose_name_plural = _("regisseurswissels")
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_user}"


class CaseNote(models.Model):
    """A journal entry on the case."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(
        _("notitie"),
        max_length=v.NOTE_MAX,
        validators=[v.MaxLengthValidator(v.NOTE_MAX), v.no_control_characters_multiline],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("journaalnotitie")
        verbose_name_plural = _("journaal")
        ordering = ["-created_at"]
        constraints = [v.text_length_constraint("text", v.NOTE_MAX, name="casenote_text_max_length")]

    def __str__(self) -> str:
        return f"{_('Journaalnotitie')} #{self.pk}"


class Consent(models.Model):
    """Consent of one household member for one purpose; a new row for each change."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(HouseholdMember, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("doel"), max_length=16, choices=ConsentPurpose.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("organisatie")
    )
    given = models.BooleanField(_("toestemming gegeven"))
    method = models.CharField(_("hoe"), max_length=8, choices=ConsentMethod.choices)
    date = models.DateField(_("datum"), default=timezone.localdate, validators=[v.PAST_EVENT_DATE])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-date", "-recorded_at"]

    def __str__(self) -> str:
        return f"{_('Toestemming')} #{self.pk}"


class CaseNumberSequence(models.Model):
    """One row per year, locked while handing out the next case number."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("dossiernummering")
        verbose_name_plural = _("dossiernummering")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class BreakGlassAccess(models.Model):
    """Emergency access to a case without a share ("break the glass").

    Granted through socialdomain.authz for a limited period after the user states a
    reason; flagged in the access log; revoked by a periodic task; reported to the
    team leader(s) of the case's team.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reden"), max_length=500, validators=[v.no_control_characters_multiline])
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt om"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("noodtoegang")
        verbose_name_plural = _("noodtoegangen")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["expires_at"], name="breakglass_due", condition=Q(revoked_at__isnull=True))]

    def __str__(self) -> str:
        return f"{_('Noodtoegang')} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class UnusualAccessReport(models.Model):
    """The weekly overview of unusual access in one team, for its team leaders (NEN 7513).

    One row per team and week (`week_start`, a Monday): the weekly task creates it once and
    notifies the team leaders once, so running it twice changes nothing. `findings` holds ids,
    counts and times only (staff user ids, case ids, break-glass access ids), never a name,
    BSN or any case content; the page renders staff names and case numbers from the ids.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    week_start = models.DateField(_("week vanaf"))
    findings = models.JSONField(_("bevindingen"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("overzicht ongebruikelijke toegang")
        verbose_name_plural = _("overzichten ongebruikelijke toegang")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["team", "week_start"], name="unusual_access_one_per_team_week"),
        ]

    def __str__(self) -> str:
        return f"{_('Toegangsoverzicht')} #{self.pk}"
