"""Browser routes of the partners app (the regisseur's side); the API is partners.api.urls."""

from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path(
        "dossiers/<uuid:uuid>/aanbieders/verzoeken/<uuid:request_uuid>/afgehandeld/",
        views.request_handle,
        name="request_handle",
    ),
]
