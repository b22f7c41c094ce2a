from django.urls import path

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.dashboard_home, name="dashboard"),
    path("<uuid:uuid>/", views.dashboard, name="detail"),
    path("<uuid:uuid>/export.<str:fmt>", views.export, name="export"),
]
