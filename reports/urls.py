from django.urls import path, register_converter

from . import views


class OutputFormatConverter:
    """A report's output format: a fixed vocabulary (pdf, csv, json), never data."""

    regex = "pdf|csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OutputFormatConverter, "reportformat")

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("maken/", views.report_request, name="request"),
    path("<uuid:uuid>/", views.report_detail, name="detail"),
    path("<uuid:uuid>/voortgang/", views.report_progress, name="progress"),
    path("<uuid:uuid>/download/<reportformat:fmt>/", views.report_download, name="download"),
]
