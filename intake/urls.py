from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nieuw/", views.signal_new, name="signal_new"),
    path("meldingen/gelezen/", views.notifications_read, name="notifications_read"),
    path("<uuid:uuid>/", views.signal_detail, name="signal_detail"),
    path("dossier/<uuid:case_uuid>/gesprek/nieuw/", views.gesprek_start, name="gesprek_start"),
    path("dossier/<uuid:case_uuid>/meldcode/", views.meldcode_steps, name="meldcode_steps"),
    path("gesprek/<uuid:uuid>/", views.gesprek_detail, name="gesprek_detail"),
    path("gesprek/<uuid:uuid>/bewerken/", views.gesprek_edit, name="gesprek_edit"),
    path("gesprek/<uuid:uuid>/concept/", views.gesprek_draft, name="gesprek_draft"),
]
