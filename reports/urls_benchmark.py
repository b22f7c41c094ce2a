from django.urls import path

from . import benchmark_views

app_name = "reports_benchmark"

urlpatterns = [
    path("", benchmark_views.team_benchmark, name="teams"),
]
