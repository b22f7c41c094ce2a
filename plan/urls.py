"""Plan pages under /dossiers/<uuid>/plan/<sub-page>/ (the bare /dossiers/<uuid>/plan/ is the
case page's section, owned by the workspace)."""

from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("overzicht/", views.plan_detail, name="detail"),
    path("starten/", views.plan_start, name="start"),
    path("bewerken/", views.plan_edit, name="edit"),
    path("doelen/nieuw/", views.goal_add, name="goal_add"),
    path("doelen/<uuid:goal_uuid>/verwijderen/", views.goal_remove, name="goal_remove"),
    path("acties/nieuw/", views.action_add, name="action_add"),
    path("acties/<uuid:action_uuid>/gedaan/", views.action_done, name="action_done"),
    path("veiligheid/nieuw/", views.safety_add, name="safety_add"),
    path("risicos/nieuw/", views.risk_add, name="risk_add"),
    path("akkoord/", views.plan_agree, name="agree"),
    path("uitvoeren/", views.plan_activate, name="activate"),
    path("evaluatie/", views.plan_evaluate, name="evaluate"),
    path("versies/<int:number>/", views.version_detail, name="version"),
    path("versies/<int:number>/pdf/", views.plan_pdf, name="pdf"),
    path("pdf/<uuid:run_uuid>/", views.pdf_run, name="pdf_run"),
    path("vragenlijst/", views.questionnaire_invite, name="questionnaire_invite"),
]
