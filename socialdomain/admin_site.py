"""The admin site at /beheer/: "not allowed" looks like "missing" for every admin model.

Django's admin answers 403 for an object or a screen one may not use and redirects to the
index ("does not exist") for a missing id: together an existence oracle. This site makes
both a 404, for every registered model, ours and third-party ones alike (django-otp,
django-axes, auth), because the guarantee lives in `register()` and `admin_view()`, not in
each ModelAdmin:

- every ModelAdmin registered here gets `NotFoundForMissingMixin` (missing id → 404);
- every admin view is wrapped so that `PermissionDenied` and `ObjectDoesNotExist` (a third
  party view that fetches with `.get()`, e.g. django-otp's QR-code view) become a 404.

Installed through `BeheerAdminConfig` in INSTALLED_APPS (instead of "django.contrib.admin"),
so `admin.site` and `@admin.register` use it.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse


class NotFoundForMissingMixin:
    """A missing (or filtered-out) object answers 404 instead of a redirect with a message."""

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        raise Http404


class BeheerAdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The admin login keeps only the path of `next` (socialdomain.redirects)."""
        from socialdomain.redirects import NEXT, safe_next_path

        for data in ("GET", "POST"):
            query = getattr(request, data)
            if NEXT in query:
                query = query.copy()
                path = safe_next_path(query[NEXT], request=request)
                if path:
                    query[NEXT] = path
                else:
                    del query[NEXT]  # the admin index, as without a `next`
                setattr(request, data, query)
        return super().login(request, extra_context)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:  # type: ignore[override]
        @wraps(view)
        def not_found_for_forbidden(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            try:
                return view(request, *args, **kwargs)
            except (PermissionDenied, ObjectDoesNotExist) as exc:
                raise Http404 from exc

        return super().admin_view(not_found_for_forbidden, cacheable)

    def register(  # type: ignore[override]
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin] | None = None,
        **options: Any,
    ) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, NotFoundForMissingMixin):
            admin_class = type(admin_class.__name__, (NotFoundForMissingMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)


class BeheerAdminConfig(AdminConfig):
    default_site = "socialdomain.admin_site.BeheerAdminSite"
