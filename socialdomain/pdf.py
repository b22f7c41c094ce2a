"""The only entry point to WeasyPrint: Dutch PDFs from Django templates.

Plans, decision letters (beschikkingen), reports and subject-access exports are rendered
here. The URL fetcher serves only the project's own static files (found through the
staticfiles finders, so it works before and after `collectstatic`) and `data:` URIs;
every other URL — `http://`, `https://`, `file:///etc/passwd`, a path outside
`STATIC_URL` — is refused, so a template (or text a user typed into one) can never make
the server fetch something. PDFs are tagged (PDF/UA-1) for screen readers.

    pdf_bytes = render_pdf(template_name="plan/plan_pdf.html", context={...})
"""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["BASE_URL", "StaticOnlyURLFetcher", "render_pdf"]

# Relative and root-relative URLs in PDF templates (`{% static %}` gives "/static/…")
# resolve against this base, so they reach the fetcher as file:///static/… URLs.
BASE_URL = "file:///"


class RefusedURL(ValueError):
    """A PDF template referred to something other than our static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves `STATIC_URL` paths from the staticfiles finders and `data:` URIs; refuses the rest."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        path = posixpath.normpath(unquote(parts.path))
        if parts.scheme != "file" or parts.netloc or not path.startswith(static_prefix) or ".." in path.split("/"):
            raise RefusedURL(f"PDF may only use the project's static files, not {parts.scheme or 'a relative'} URL")
        relative = path.removeprefix(static_prefix)
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            found = None
        if not found or isinstance(found, list):
            raise RefusedURL("static file not found")
        mime, _ = mimetypes.guess_type(found)
        with open(found, "rb") as fh:
            body = fh.read()
        return URLFetcherResponse(url, body, {"Content-Type": mime or "application/octet-stream"})


def render_pdf(*, template_name: str, context: dict[str, Any], request: Any = None) -> bytes:
    """Render a Django template to PDF bytes (PDF/UA-1 tagged, A4 from the template's CSS)."""
    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
