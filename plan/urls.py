"""Plan pages under /dossiers/<uuid>/plan/<sub-page>/ (the bare /dossiers/<uuid>/plan/ is the
case page's section, owned by the workspace)."""

from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("<uuid:uuid>/plan/overzicht/", views.plan_detail, name="detail"),
    path("<uuid:uuid>/plan/starten/", views.plan_start, name="start"),
    path("<uuid:uuid>/plan/bewerken/", views.plan_edit, name="edit"),
    path("<uuid:uuid>/plan/doelen/nieuw/", views.goal_add, name="goal_add"),
    path("<uuid:uuid>/plan/doelen/<uuid:goal_uuid>/bewerken/", views.goal_edit, name="goal_edit"),
    path("<uuid:uuid>/plan/doelen/<uuid:goal_uuid>/verwijderen/", views.goal_remove, name="goal_remove"),
    path("<uuid:uuid>/plan/acties/nieuw/", views.action_add, name="action_add"),
    path("<uuid:uuid>/plan/acties/<uuid:action_uuid>/gedaan/", views.action_done, name="action_done"),
    path("<uuid:uuid>/plan/veiligheid/nieuw/", views.safety_add, name="safety_add"),
    path("<uuid:uuid>/plan/risicos/nieuw/", views.risk_add, name="risk_add"),
    path("<uuid:uuid>/plan/akkoord/", views.plan_agree, name="agree"),
    path("<uuid:uuid>/plan/uitvoeren/", views.plan_activate, name="activate"),
    path("<uuid:uuid>/plan/evaluatie/", views.plan_evaluate, name="evaluate"),
    path("<uuid:uuid>/plan/versies/<int:number>/", views.version_detail, name="version"),
    path("<uuid:uuid>/plan/versies/<int:number>/pdf/", views.plan_pdf, name="pdf"),
    path("<uuid:uuid>/plan/pdf/<uuid:run_uuid>/", views.pdf_run, name="pdf_run"),
    path("<uuid:uuid>/plan/vragenlijst/", views.questionnaire_invite, name="questionnaire_invite"),
]
