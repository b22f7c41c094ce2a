"""The admin for municipality staff: municipalities, partner organisations, teams, users, roles.

Who may manage what is declared once in accounts/permissions.py (docs/permissions.md, "Admin"):
a functioneel beheerder manages the teams and users of their own municipality; only
superusers change the superuser/staff flags, groups and user permissions; nobody changes
their own roles, memberships or flags. Every role change goes through accounts.services
(membership_add/change/remove, user_privileges_record): audited, and the team's leaders are
told. Objects outside the user's reach answer 404 (socialdomain/admin_site.py).

No case content lives here: notifications (their text names cases) are not in the admin.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.forms import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as OtpStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from . import permissions, services
from .models import Membership, Municipality, Organisation, Team, User


class MembershipFormSet(BaseInlineFormSet):
    """Refuses, with the reason, a membership row the actor may not add, change or remove."""

    actor: User

    def clean(self) -> None:
        super().clean()
        originals = Membership.objects.select_related("user", "team").in_bulk(
            [f.instance.pk for f in self.initial_forms if f.instance.pk]
        )
        for form in self.forms:
            if form.errors or not form.has_changed():
                continue
            deleting = self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
            original = originals.get(form.instance.pk)
            checks = []
            if original is not None:
                checks.append((original.user, original.team))
            if not deleting and form.instance.user_id is not None and form.instance.team_id is not None:
                checks.append((form.instance.user, form.instance.team))
            elif not deleting and getattr(form.instance, "team", None) is not None:
                # A new team (add form): its id is not there yet, its municipality is.
                user = form.cleaned_data.get("user")
                if user is not None:
                    checks.append((user, form.instance.team))
            for user, team in checks:
                if reason := permissions.membership_change_denied(actor=self.actor, user=user, team=team):
                    form.add_error(None, reason)
                    break


class MembershipInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    """Roles per team, on the team and on the user. Only rows of teams the actor manages."""

    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user", "team"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # type: ignore[attr-defined]
        return formset

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request).select_related("user", "team", "team__municipality")
        return qs.filter(pk__in=permissions.manageable_memberships(user=request.user).values("pk"))  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        actor: User = request.user  # type: ignore[assignment]
        if db_field.name == "team":
            kwargs["queryset"] = permissions.manageable_teams(user=actor).select_related("municipality")
        elif db_field.name == "user":
            # The holders of the rows shown (the actor, a superuser) stay valid values of an
            # unchanged row; adding or changing a row for them is refused by the formset's clean().
            kwargs["queryset"] = User.objects.filter(
                Q(pk__in=permissions.manageable_users(user=actor).values("pk"))
                | Q(pk__in=permissions.manageable_memberships(user=actor).values("user_id"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _own_account(self, request: HttpRequest, obj: Any) -> bool:
        return isinstance(obj, User) and obj.pk == request.user.pk

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own_account(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own_account(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own_account(request, obj) and super().has_delete_permission(request, obj)


class MembershipsThroughServicesMixin:
    """Saves the membership inline through accounts.services (checks, audit, team leaders told)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)  # type: ignore[misc]
            return
        actor: User = request.user  # type: ignore[assignment]
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for f in formset.initial_forms:
            if f.instance.pk is None:
                continue
            if formset.can_delete and formset._should_delete_form(f):
                services.membership_remove(membership=f.instance, actor=actor)
                formset.deleted_objects.append(f.instance)
            elif f.has_changed():
                m = f.instance
                services.membership_change(membership=m, user=m.user, team=m.team, role=m.role, actor=actor)
                formset.changed_objects.append((m, f.changed_data))
        for f in formset.extra_forms:
            if not f.has_changed() or (formset.can_delete and formset._should_delete_form(f)):
                continue
            m = f.instance
            formset.new_objects.append(services.membership_add(user=m.user, team=m.team, role=m.role, actor=actor))

    def _remove_memberships(self, request: HttpRequest, memberships: QuerySet[Membership]) -> None:
        for membership in memberships:
            services.membership_remove(membership=membership, actor=request.user)  # type: ignore[arg-type]


@admin.register(Municipality)
class MunicipalityAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    """A beheerder sees their own municipality; only superusers add or change municipalities."""

    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=permissions.admin_municipality_ids(user=request.user))  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Organisation)
class OrganisationAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "agb_code"]
    list_filter = ["kind", "municipalities"]
    search_fields = ["name", "agb_code"]
    # A plain multiple select: Django's filter_horizontal widget breaks WCAG (an aria-label
    # on a span without a role, in SelectFilter2.js).
    filter_horizontal = ()


@admin.register(Team)
class TeamAdmin(MembershipsThroughServicesMixin, PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "area"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "area"]
    list_select_related = ["municipality"]
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs.filter(pk__in=permissions.manageable_teams(user=request.user).values("pk"))  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(
                pk__in=permissions.admin_municipality_ids(user=request.user)  # type: ignore[arg-type]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        services.team_ensure_group(team=obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        self._remove_memberships(request, obj.memberships.select_related("user", "team"))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._remove_memberships(request, Membership.objects.filter(team__in=queryset))
        super().delete_queryset(request, queryset)


@admin.register(User)
class UserAdmin(MembershipsThroughServicesMixin, PlaceholderAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__team__municipality", "organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["organisation"]  # nullable: not followed by the changelist's default
    inlines = [MembershipInline]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Partnerorganisatie"), {"fields": ["organisation"]}))
    # Set by Django, not by hand; the split date/time inputs also have no label of their own.
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()  # see OrganisationAdmin

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=permissions.manageable_users(user=request.user).values("pk"))  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not permissions.may_change_privileges(actor=request.user, user=obj):  # type: ignore[arg-type]
            readonly += permissions.PRIVILEGE_FIELDS
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.pk == request.user.pk or (obj.is_superuser and not request.user.is_superuser)):
            return False
        return super().has_delete_permission(request, obj)

    @staticmethod
    def _privileges(user: User) -> dict[str, str]:
        if user.pk is None:
            return {}
        return {
            "is_staff": str(user.is_staff),
            "is_superuser": str(user.is_superuser),
            "is_active": str(user.is_active),
            # Team groups follow the memberships (services.user_sync_team_groups), audited there.
            "groups": ",".join(sorted(user.groups.filter(team__isnull=True).values_list("name", flat=True))),
            "user_permissions": ",".join(
                sorted(f"{p.content_type.app_label}.{p.codename}" for p in user.user_permissions.all())
            ),
        }

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        form._privileges_before = self._privileges(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        # Team groups follow the memberships, whatever the groups field said.
        services.user_sync_team_groups(user=form.instance)
        if not change:
            return
        before, after = form._privileges_before, self._privileges(form.instance)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        services.user_privileges_record(actor=request.user, user=form.instance, changes=changes)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        # Success redirects to the user's page; a refused form re-renders or redirects back here.
        if request.method == "POST" and response.status_code == 302 and not response["Location"].endswith("/password/"):
            user = self.get_object(request, id)
            if user is not None:
                services.user_password_set_record(actor=request.user, user=user)  # type: ignore[arg-type]
        return response

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        self._remove_memberships(request, obj.memberships.select_related("user", "team"))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._remove_memberships(request, Membership.objects.filter(user__in=queryset))
        super().delete_queryset(request, queryset)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PlaceholderAdminMixin, DjangoGroupAdmin):
    """Groups carry permissions (and a team's case shares): only superusers change them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class _DeviceOfManageableUserMixin:
    """Second factors: a beheerder sees and removes (resets) devices of users they manage;
    only superusers add or change one or see its secret (config, QR code), 404 otherwise."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        return qs.filter(user__in=permissions.manageable_users(user=request.user).values("pk"))  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)  # type: ignore[misc]


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(_DeviceOfManageableUserMixin, PlaceholderAdminMixin, OtpTOTPDeviceAdmin):
    def get_list_display(self, request: HttpRequest) -> Any:
        shown = list(super().get_list_display(request))
        return shown if request.user.is_superuser else [f for f in shown if f != "qrcode_link"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"key", "qrcode_link"}
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def _secret_view(self, view: Any, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_superuser or not self.get_queryset(request).filter(pk=pk).exists():
            raise Http404
        return view(request, pk)

    def config_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._secret_view(super().config_view, request, pk)

    def qrcode_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._secret_view(super().qrcode_view, request, pk)


admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class StaticDeviceAdmin(_DeviceOfManageableUserMixin, PlaceholderAdminMixin, OtpStaticDeviceAdmin):
    list_select_related = ["user"]

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> Any:
        # The backup codes themselves: superusers only.
        return super().get_inline_instances(request, obj) if request.user.is_superuser else []
