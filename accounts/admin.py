from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from socialdomain.forms import LabelledInlineMixin, PlaceholderAdminMixin

from . import services
from .models import Membership, Municipality, Notification, Organisation, Team, User


class MembershipInline(LabelledInlineMixin, PlaceholderAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "team"]


@admin.register(Municipality)
class MunicipalityAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "agb_code"]
    list_filter = ["kind", "municipalities"]
    search_fields = ["name", "agb_code"]
    # A plain multiple select: Django's filter_horizontal widget breaks WCAG (an aria-label
    # on a span without a role, in SelectFilter2.js).
    filter_horizontal = ()


@admin.register(Team)
class TeamAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "area"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "area"]
    list_select_related = ["municipality"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        services.team_ensure_group(team=obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        super().save_formset(request, form, formset, change)
        for user in {m.user for m in Membership.objects.filter(team=form.instance).select_related("user")} | {
            f.instance.user for f in formset.forms if f.instance.user_id
        }:
            services.user_sync_team_groups(user=user)


@admin.register(User)
class UserAdmin(PlaceholderAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "organisation", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__team__municipality", "organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    inlines = [MembershipInline]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Partnerorganisatie"), {"fields": ["organisation"]}))
    # Set by Django, not by hand; the split date/time inputs also have no label of their own.
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()  # see OrganisationAdmin

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        super().save_formset(request, form, formset, change)
        services.user_sync_team_groups(user=form.instance)


@admin.register(Notification)
class NotificationAdmin(PlaceholderAdminMixin, admin.ModelAdmin):
    list_display = ["recipient", "text", "is_read", "created_at"]
    list_filter = ["is_read"]
    list_select_related = ["recipient"]
