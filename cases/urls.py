from django.urls import path, register_converter

from . import views


class SectionKeyConverter:
    """A tab of the case page: a registered section key (lower-case word), never data.

    Unknown keys answer 404 in the view; the keys are a fixed vocabulary of the apps.
    """

    regex = "[a-z][a-z0-9-]{0,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionKeyConverter, "section")

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("team/", views.team_overview, name="team"),
    path("nieuw/", views.case_new, name="new"),
    path("toegangsoverzicht/<uuid:uuid>/", views.access_review, name="access_review"),
    path("<uuid:uuid>/", views.case_detail, name="detail"),
    path("<uuid:uuid>/bewerken/", views.case_edit, name="edit"),
    path("<uuid:uuid>/gezinsleden/nieuw/", views.member_add, name="member_add"),
    path("<uuid:uuid>/gezinsleden/<uuid:person_uuid>/", views.member_edit, name="member_edit"),
    path("<uuid:uuid>/netwerk/nieuw/", views.network_add, name="network_add"),
    path("<uuid:uuid>/toestemmingen/nieuw/", views.consent_add, name="consent_add"),
    path("<uuid:uuid>/toestemmingen/<uuid:consent_uuid>/", views.consent_change, name="consent_change"),
    path("<uuid:uuid>/delen/", views.case_share, name="share"),
    path("<uuid:uuid>/delen/intrekken/", views.case_unshare, name="unshare"),
    path("<uuid:uuid>/regisseur/", views.case_reassign, name="reassign"),
    path("<uuid:uuid>/sluiten/", views.case_close, name="close"),
    path("<uuid:uuid>/notities/", views.note_add, name="notes"),
    path("<uuid:uuid>/logboek/", views.access_log, name="access_log"),
    # Last: a tab of the case page (/dossiers/<uuid>/gezin/, …), registered by the apps.
    path("<uuid:uuid>/<section:section>/", views.case_detail, name="section"),
]
