import uuid
from collections.abc import Callable

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .constants import OrganisationKind, Role, TeamKind


class Municipality(models.Model):
    """A municipality with its own financial household (Lochem, Zutphen, ...)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=100, unique=True)
    code = models.CharField(_("CBS-gemeentecode"), max_length=4, unique=True, help_text=_("Bijvoorbeeld GM0262."))

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A partner organisation (care provider, school, GGD, housing corporation)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=OrganisationKind.choices)
    agb_code = models.CharField(_("AGB-code"), max_length=8, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", blank=True, verbose_name=_("gemeenten")
    )

    class Meta:
        verbose_name = _("partnerorganisatie")
        verbose_name_plural = _("partnerorganisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A district team, CJG, front desk or expert team; belongs to one municipality."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("gemeente")
    )
    name = models.CharField(_("naam"), max_length=100)
    kind = models.CharField(_("soort"), max_length=32, choices=TeamKind.choices)
    area = models.CharField(_("wijk of gebied"), max_length=100, blank=True)
    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="team",
        editable=False,
        help_text=_("Groep waarmee dossiers met het hele team gedeeld worden."),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_unique_name_per_municipality"),
        ]

    def __str__(self) -> str:
        # "Sociaal wijkteam Lochem", not "Sociaal wijkteam Lochem (Lochem)": the municipality
        # is added only where the team's own name does not already say it.
        municipality = self.municipality.name
        return self.name if municipality.lower() in self.name.lower() else f"{self.name} ({municipality})"


class User(AbstractUser):
    """A staff member of a municipality or a user of a partner organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("partnerorganisatie"),
        help_text=_("Alleen voor medewerkers van een partnerorganisatie."),
    )

    # Set on the request's user by django_otp.middleware.OTPMiddleware; declared for the type
    # checker only (no field, no column).
    is_verified: Callable[[], bool]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles this user holds in any team (cached per request-scoped instance)."""
        return frozenset(self.memberships.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        return role in self.roles


class Membership(models.Model):
    """A user's role in one team. A user may hold roles in several teams."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("teamlidmaatschap")
        verbose_name_plural = _("teamlidmaatschappen")
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique_role_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.team}"


class Notification(models.Model):
    """A short message to one user. Text holds no personal data beyond a case number."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("tekst"), max_length=200)
    link = models.CharField(_("link"), max_length=200, blank=True)
    is_read = models.BooleanField(_("gelezen"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "is_read"], name="notification_unread")]

    def __str__(self) -> str:
        # Never the text: it may name a case, and __str__ ends up in admin pages and logs.
        return f"{_('Melding')} #{self.pk}"


class FormSubmission(models.Model):
    """A one-time form token that has been used (`socialdomain.forms.form_submitted_once`).

    Inserted in the same transaction as the write the form caused: a second submit of
    the same form finds it and is sent to `result_url` instead of saving again. Holds no
    personal data (a token and a path with a public id).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    result_url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verstuurd formulier")
        verbose_name_plural = _("verstuurde formulieren")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")]

    def __str__(self) -> str:
        return str(self.token)
