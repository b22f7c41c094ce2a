"""Partner API clients, idempotency keys and the provider's messages per allocation.

An `ApiClient` binds one django-oauth-toolkit `Application` (client credentials) to exactly
one partner organisation and one municipality: its tokens see only allocations of that
organisation in that municipality. Municipality staff create and revoke clients in the
admin (their own municipality only); a revoked client gets 401 on every request.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import MessageKind, Scope

IDEMPOTENCY_KEY_MAX = 255


class ApiClient(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=100)
    application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
        verbose_name=_("OAuth-applicatie"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("organisatie")
    )
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("gemeente")
    )
    scopes = models.CharField(_("scopes"), max_length=200, help_text=_("Gescheiden door spaties."))
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-client")
        verbose_name_plural = _("API-clients")
        ordering = ["municipality__name", "organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split() if s in Scope.values)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self) -> None:
        unknown = [s for s in self.scopes.split() if s not in Scope.values]
        if unknown:
            raise ValidationError({"scopes": _("Onbekende scope: %(s)s") % {"s": ", ".join(unknown)}})
        if (
            self.organisation_id
            and self.municipality_id
            and not self.organisation.municipalities.filter(pk=self.municipality_id).exists()
        ):
            raise ValidationError({"organisation": _("Deze organisatie werkt niet voor deze gemeente.")})


class IdempotencyRecord(models.Model):
    """The first answer to a write with an `Idempotency-Key`, per client (replayed on a retry).

    Inserted first, inside the write's transaction: a concurrent request with the same key
    waits on the unique index and then replays the committed answer (partners/api/idempotency.py).
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and canonical body
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotentiesleutel")
        verbose_name_plural = _("idempotentiesleutels")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique_client_key")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key[:16]}"


class ProviderMessage(models.Model):
    """The provider's acknowledgement (301), start (305) or stop (307) of one allocation.

    At most one of each kind per allocation; the regisseur sees them on the case page.
    """

    arrangement = models.ForeignKey(
        "arrangements.Arrangement", on_delete=models.PROTECT, related_name="provider_messages"
    )
    kind = models.CharField(_("bericht"), max_length=3, choices=MessageKind.choices)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="messages")
    date = models.DateField(_("datum"), null=True, blank=True)
    reason = models.CharField(_("reden"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)

    class Meta:
        verbose_name = _("bericht van de aanbieder")
        verbose_name_plural = _("berichten van de aanbieder")
        ordering = ["arrangement", "received_at"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "kind"], name="provider_message_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.arrangement_id}"


# Declarations (303/304), requests for an allocation (315) and progress reports.
from .declaration_models import (  # noqa: E402, F401
    AllocationRequest,
    Declaration,
    DeclarationLine,
    ProgressGoalStatus,
    ProgressReport,
)
