"""The schema (/api/v1/openapi.json) and Swagger UI (/api/v1/docs), public and CDN-free.

Swagger UI's assets come from drf-spectacular-sidecar (our own static files) and its
start-up script is served as a file by the split view, so the page runs under the
project's CSP (script-src 'self', style-src 'self') without any exception; the page's
template is our own copy without the inline <style> of drf-spectacular's default.
"""

from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    renderer_classes = [OpenApiJsonRenderer]


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    template_name = "partners/swagger_ui.html"
    url_name = "partners_api:schema"
