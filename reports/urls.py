from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("maken/", views.report_request, name="request"),
    path("<uuid:uuid>/", views.report_detail, name="detail"),
    path("<uuid:uuid>/voortgang/", views.report_progress, name="progress"),
    path("<uuid:uuid>/download/<str:fmt>/", views.report_download, name="download"),
]
