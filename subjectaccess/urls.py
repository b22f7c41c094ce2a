from django.urls import path

from . import views

app_name = "subjectaccess"

urlpatterns = [
    path("", views.index, name="index"),
    path("persoon/<uuid:uuid>/", views.person, name="person"),
    path("persoon/<uuid:uuid>/inzage/", views.export_start, name="export_start"),
    path("persoon/<uuid:uuid>/corrigeren/", views.rectify, name="rectify"),
    path("persoon/<uuid:uuid>/beperking/", views.restriction, name="restriction"),
    path("export/<uuid:uuid>/", views.export, name="export"),
    path("export/<uuid:uuid>/pdf/", views.export_pdf, name="export_pdf"),
    path("export/<uuid:uuid>/json/", views.export_json, name="export_json"),
]
