"""Error reports without personal data.

Django's error reports (the `mail_admins` handler, or any handler that formats the
request) copy POST values and cookies. Forms here carry BSNs, names and free text, and
marking each parameter with `sensitive_post_parameters` is easy to forget, so every POST
value is masked by default. URLs carry no personal data by design (docs/security.md).
"""

from django.http import HttpRequest, QueryDict
from django.views.debug import SafeExceptionReporterFilter


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Masks every POST value in error reports (the field names stay, for debugging)."""

    def get_post_parameters(self, request: HttpRequest | None) -> QueryDict | dict:  # type: ignore[override]
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed
