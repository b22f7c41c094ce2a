from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.dashboard_home, name="dashboard"),
    path("<uuid:uuid>/", views.dashboard, name="detail"),
    path("<uuid:uuid>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<uuid:uuid>/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("<uuid:uuid>/kostprijs-per-eenheid.csv", views.export, {"fmt": "unit_csv"}, name="export_unit_costs_csv"),
]
