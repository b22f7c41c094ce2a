"""`?next=` carries a path, never a query string (docs/security.md, "Personal data never in URLs").

A query string can hold what a user typed (a search, a filter, a name), and the `next`
parameter copies it into the login URL, which lands in proxy and server access logs, the
browser history and `Referer` headers. So wherever a `next` is built or followed, only the
path of a local URL survives:

- `safe_next_path` for the views that read `next` (login, the two-factor pages);
- `NextPathOnlyMiddleware` for every redirect the project answers (Django's
  `LoginRequiredMiddleware`, the admin's login redirect, the two-factor middleware), so a
  new redirect cannot forget it.
"""

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

NEXT = "next"


def safe_next_path(candidate: str, *, request: HttpRequest) -> str | None:
    """The path of `candidate` if it is a URL of this site, without query string or fragment;
    None for an empty, foreign or otherwise unsafe one.

    Checked twice: the whole candidate (host and scheme), then the path that is left, so
    `http://thissite//evil.example/` cannot turn into the protocol-relative `//evil.example/`.
    """
    if not candidate:
        return None
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=allowed, require_https=request.is_secure()):
        return None
    path = urlsplit(candidate).path
    if not path.startswith("/") or path.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=allowed, require_https=request.is_secure()):
        return None
    return path


def _path_only(value: str) -> str:
    path = urlsplit(value).path
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


def strip_next_query(url: str) -> str:
    """`url` with the value of its `next` parameter reduced to a path (other parameters kept)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(key == NEXT for key, _value in pairs):
        return url
    cleaned = [(key, _path_only(value) if key == NEXT else value) for key, value in pairs]
    return urlunsplit(parts._replace(query=urlencode(cleaned)))


class NextPathOnlyMiddleware:
    """Every redirect (`Location`, htmx's `HX-Redirect`) keeps only the path in its `next`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header in ("Location", "HX-Redirect"):
            value = response.get(header)
            if value and NEXT in value:
                response[header] = strip_next_query(value)
        return response
