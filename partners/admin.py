"""API clients in the admin: municipality staff create and revoke their own municipality's.

A new client's secret is shown once after saving (stored hashed by django-oauth-toolkit).
Clients are never deleted (their audit trail refers to them): they are revoked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Municipality, Organisation
from accounts.permissions import admin_municipality_ids

from . import services
from .constants import Scope
from .models import ApiClient


def _municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    if getattr(request.user, "is_superuser", False):
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=admin_municipality_ids(user=request.user))  # type: ignore[arg-type]


class ApiClientForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiClient
        fields = ["name", "organisation", "municipality"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "organisation", "municipality", "scopes", "client_id_display", "last_used_at", "status"]
    list_filter = ["municipality"]
    search_fields = ["name", "organisation__name"]
    actions = ["revoke"]

    @admin.display(description=_("client-id"))
    def client_id_display(self, obj: ApiClient) -> str:
        return obj.application.client_id

    @admin.display(description=_("status"))
    def status(self, obj: ApiClient) -> str:
        return str(_("Ingetrokken")) if obj.revoked_at else str(_("Actief"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiClient]:
        return (
            super()
            .get_queryset(request)
            .filter(municipality__in=_municipalities(request))
            .select_related("application", "organisation", "municipality")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["last_used_at", "revoked_at"]
        return ["name", "organisation", "municipality", "scopes", "last_used_at", "revoked_at", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["name", "organisation", "municipality", "scope_choices"]
        return ["name", "organisation", "municipality", "scopes", "created_at", "last_used_at", "revoked_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            kwargs["fields"] = []
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            municipalities = _municipalities(request)
            form.base_fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
            form.base_fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                municipalities__in=municipalities
            ).distinct()
        return form

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            return  # nothing of a client is edited; revoke it and create a new one instead
        client, secret = services.api_client_create(
            actor=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            municipality=form.cleaned_data["municipality"],
            scopes=form.cleaned_data["scope_choices"],
        )
        obj.pk = client.pk
        obj.application = client.application
        messages.warning(
            request,
            _("Client-id: %(id)s – geheim: %(secret)s – bewaar het geheim nu; het wordt niet opnieuw getoond.")
            % {"id": client.application.client_id, "secret": secret},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Geselecteerde clients intrekken"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = 0
        for client in queryset.filter(revoked_at__isnull=True):
            services.api_client_revoke(actor=request.user, client=client)  # type: ignore[arg-type]
            count += 1
        self.message_user(request, ngettext("%d client ingetrokken.", "%d clients ingetrokken.", count) % count)
