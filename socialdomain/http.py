"""Request types for views, so the type checker knows what the middleware guarantees.

Django types `request.user` as `User | AnonymousUser`. Behind
`django.contrib.auth.middleware.LoginRequiredMiddleware` every view that is not marked
`@login_not_required` only ever sees a logged-in `User`, so views annotate their request
with `AuthenticatedHttpRequest`. Views marked `@login_not_required` keep `HttpRequest`.

`django_htmx.middleware.HtmxMiddleware` sets `request.htmx` on every request; views that
read it annotate their request with `HtmxAuthenticatedHttpRequest`.

These are annotations only: Django still passes a plain `HttpRequest` at runtime.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a logged-in user (guaranteed by LoginRequiredMiddleware)."""

    user: User


class HtmxAuthenticatedHttpRequest(AuthenticatedHttpRequest):
    """A logged-in request with django-htmx's `request.htmx` details."""

    htmx: HtmxDetails
