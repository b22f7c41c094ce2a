from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("team/", views.team_overview, name="team"),
    path("nieuw/", views.case_new, name="new"),
    path("<uuid:uuid>/", views.case_detail, name="detail"),
    path("<uuid:uuid>/bewerken/", views.case_edit, name="edit"),
    path("<uuid:uuid>/gezinsleden/nieuw/", views.member_add, name="member_add"),
    path("<uuid:uuid>/gezinsleden/<uuid:person_uuid>/", views.member_edit, name="member_edit"),
    path("<uuid:uuid>/netwerk/nieuw/", views.network_add, name="network_add"),
    path("<uuid:uuid>/toestemmingen/nieuw/", views.consent_add, name="consent_add"),
    path("<uuid:uuid>/delen/", views.case_share, name="share"),
    path("<uuid:uuid>/delen/intrekken/", views.case_unshare, name="unshare"),
    path("<uuid:uuid>/regisseur/", views.case_reassign, name="reassign"),
    path("<uuid:uuid>/sluiten/", views.case_close, name="close"),
    path("<uuid:uuid>/notities/", views.note_add, name="notes"),
    path("<uuid:uuid>/logboek/", views.access_log, name="access_log"),
]
