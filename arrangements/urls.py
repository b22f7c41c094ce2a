from django.urls import path

from . import views

app_name = "arrangements"

CASE = "dossiers/<uuid:uuid>/voorzieningen/"

urlpatterns = [
    path(f"{CASE}lijst/", views.arrangement_list, name="case_list"),
    path(f"{CASE}nieuw/", views.arrangement_new, name="new"),
    path(f"{CASE}raming/", views.arrangement_estimate, name="estimate"),
    path(f"{CASE}escalaties/", views.case_escalations, name="case_escalations"),
    path(f"{CASE}escalaties/nieuw/", views.escalation_new, name="escalation_new"),
    path(f"{CASE}escalaties/<uuid:escalation>/", views.escalation_detail, name="escalation_detail"),
    *(
        path(
            f"{CASE}escalaties/<uuid:escalation>/{action}/",
            views.escalation_act,
            {"action": action},
            name=f"escalation_{action}",
        )
        for action in ("advies", "besluit", "overnemen", "teruggeven")
    ),
    path(f"{CASE}beschikkingen/<uuid:decision>/pdf/", views.decision_pdf, name="decision_pdf"),
    path(f"{CASE}plafond/<uuid:approval>/", views.ceiling_approval, name="ceiling_approval"),
    path(f"{CASE}<uuid:arrangement>/", views.arrangement_detail, name="detail"),
    path(f"{CASE}<uuid:arrangement>/status/", views.arrangement_step, name="step"),
    path(f"{CASE}<uuid:arrangement>/wijzigen/", views.arrangement_change, name="change"),
    path(f"{CASE}<uuid:arrangement>/beeindigen/", views.arrangement_stop, name="stop"),
    path(f"{CASE}<uuid:arrangement>/volstaat-niet-meer/", views.arrangement_insufficient, name="insufficient"),
    path(f"{CASE}<uuid:arrangement>/evaluatie/", views.arrangement_review, name="review"),
    path("expertiseteam/", views.escalation_queue, name="escalations"),
    path("expertiseteam/<uuid:escalation>/oppakken/", views.escalation_pick, name="escalation_pick"),
    path("voorzieningen/evaluaties/", views.reviews, name="reviews"),
]
