from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from accounts import views as account_views
from cases import break_glass_views
from plan import views as plan_views

admin.site.site_header = _("Sociaal Domein – beheer")
admin.site.site_title = _("Sociaal Domein")
admin.site.index_title = _("Functioneel beheer")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("health", account_views.health, name="health"),
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=lazy(static, str)("img/favicon.ico"), permanent=False)),
        name="favicon",
    ),
    path("inloggen/", account_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("tweestapsverificatie/instellen/", account_views.otp_setup, name="otp_setup"),
    path("tweestapsverificatie/controleren/", account_views.otp_verify, name="otp_verify"),
    path("tweestapsverificatie/back-upcode/", account_views.otp_backup_verify, name="otp_backup_verify"),
    path("tweestapsverificatie/back-upcodes/", account_views.otp_backup_codes, name="otp_backup_codes"),
    path("meldingen/", account_views.notifications, name="notifications"),
    path("noodtoegang/", break_glass_views.break_glass, name="break_glass"),
    path("aanmeldingen/", include("intake.urls")),
    path("dossiers/", include("cases.urls")),
    path("dossiers/", include("plan.urls")),
    path("dossiers/", include("retention.urls")),
    path("vragenlijst/", plan_views.questionnaire_start, name="questionnaire_start"),
    path("vragenlijst/antwoorden/", plan_views.questionnaire_answer, name="questionnaire_answer"),
    path("vragenlijst/<uuid:token>/", plan_views.questionnaire_link, name="questionnaire_link"),
    path("", include("arrangements.urls")),
    path("budget/", include("budget.urls")),
    path("beheer-inzage/", include("subjectaccess.urls")),
    path("", include("partners.urls")),
    path("rapportages/teams/", include("reports.urls_benchmark")),
    path("rapportages/", include("reports.urls")),
    path("beheer/", admin.site.urls),
    # The partner REST API (docs/api.md): OAuth2 client credentials, problem+json errors.
    path("api/v1/", include("partners.api.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

handler400 = "socialdomain.errors.bad_request"
handler403 = "socialdomain.errors.permission_denied"
handler404 = "socialdomain.errors.page_not_found"
handler500 = "socialdomain.errors.server_error"
