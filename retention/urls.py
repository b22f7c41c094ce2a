from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("<uuid:uuid>/bewaren/plaatsen/", views.hold_place, name="hold_place"),
    path("<uuid:uuid>/bewaren/<uuid:hold_uuid>/opheffen/", views.hold_lift, name="hold_lift"),
]
